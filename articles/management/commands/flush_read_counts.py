from django.core.management.base import BaseCommand

from articles.most_read import flush_read_counts


class Command(BaseCommand):
    help = "Write the read counters kept in the cache to the database (run it from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help="How many recent days to flush.")

    def handle(self, *args, days, verbosity, **options):
        written = flush_read_counts(days=days)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Flushed {written} counted reads."))
