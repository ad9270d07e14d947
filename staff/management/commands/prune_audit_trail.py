from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from staff.audit import record
from staff.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Delete audit-trail entries older than NEWSROOM_AUDIT_RETENTION_DAYS (730 by default); "
        "the only way an entry leaves the trail. Run it daily (cron). The pruning is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of NEWSROOM_AUDIT_RETENTION_DAYS.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would go; delete nothing."
        )

    def handle(self, *args, days, dry_run, verbosity, **options):
        days = settings.NEWSROOM_AUDIT_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("The retention must be at least one day.")
        before = timezone.now() - timedelta(days=days)
        if dry_run:
            count = AuditEntry.objects.filter(timestamp__lt=before).count()
            if verbosity:
                self.stdout.write(f"{count} entries older than {days} days would be deleted.")
            return
        with transaction.atomic():
            count = AuditEntry.objects.prune(before=before)
            if count:
                record(
                    kind=AuditEntry.TRAIL_PRUNED,
                    detail={"count": count, "reason": f"أقدم من {days} يومًا"},
                )
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} entries older than {days} days.")
            )
