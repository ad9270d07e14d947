from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Refused: the audit trail is append-only. django-auditlog's command of this name would "
        "delete (or on PostgreSQL truncate) every entry; `manage.py prune_audit_trail` removes "
        "those older than NEWSROOM_AUDIT_RETENTION_DAYS, and records that it did."
    )

    def add_arguments(self, parser):
        # The library's options, accepted so that they meet the refusal rather than a usage error.
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(
            "The audit trail is append-only: use `manage.py prune_audit_trail` to remove the "
            "entries older than the retention (NEWSROOM_AUDIT_RETENTION_DAYS)."
        )
