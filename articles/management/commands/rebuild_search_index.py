from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from articles import search
from articles.models import Article
from articles.models import fields as declared


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every article (drafts included)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=500, help="Articles read from the database at once."
        )

    @transaction.atomic
    def handle(self, *args, chunk_size, verbosity, **options):
        total = Article.objects.count()
        articles = (
            Article.objects.order_by("pk")
            .only("pk", "status", *declared.SEARCHED)
            .iterator(chunk_size=chunk_size)
        )
        progress = tqdm(
            articles,
            total=total,
            desc="فهرسة الأخبار",
            unit="خبر",
            file=self.stderr._out,
            disable=verbosity < 1,
        )
        search.rebuild_index(progress)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {total} articles."))
