import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.template.defaultfilters import filesizeformat

from articles import backups


class Command(BaseCommand):
    help = (
        "Back up the paper as one set in BACKUP_DIR, named after the time: the database "
        "(SQLite's online backup API, or pg_dump on PostgreSQL) and every file under MEDIA_ROOT "
        "(skipped when uploads live in S3); then delete all but the newest BACKUP_KEEP sets. "
        "Put a set back with: manage.py restore_paper <name>."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="How many sets to keep, this one included (default: BACKUP_KEEP; 0 keeps all).",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Back up the database only, not the files."
        )

    def handle(self, *args, keep, no_media, verbosity, **options):
        folder = Path(settings.BACKUP_DIR)
        name = backups.new_set_name()
        if backups.find_set(folder, name) is not None:
            raise CommandError(
                f"في {folder} نسخة باسم {name} من هذه الثانية؛ أعد المحاولة بعد ثانية."
            )
        folder.mkdir(parents=True, exist_ok=True)
        # The set is written in a working folder and moved into place once whole, so an
        # interrupted run never leaves a set that looks complete.
        work = Path(tempfile.mkdtemp(prefix=backups.INCOMPLETE_PREFIX, dir=folder))
        # django-dbbackup's own log lines (English) from verbosity 2 on.
        library = {"verbosity": max(verbosity - 1, 0)}
        report = []
        try:
            database = backups.database_path(work, name)
            try:
                call_command(
                    "dbbackup",
                    output_path=str(database),
                    compress=database.name.endswith(".gz"),
                    **library,
                )
            except Exception as error:
                raise CommandError(f"تعذّر نسخ قاعدة البيانات: {error}") from error
            vendor = backups.VENDOR_NAMES[connection.vendor]
            report.append(f"قاعدة البيانات ({vendor}): {folder / database.name}")
            report[-1] += f" ({filesizeformat(database.stat().st_size)})"

            if no_media:
                report.append("الملفات: لم تُنسخ (--no-media).")
            elif not backups.media_is_local():
                report.append(
                    "الملفات في مخزن الكائنات (AWS_STORAGE_BUCKET_NAME="
                    f"{getattr(settings, 'AWS_STORAGE_BUCKET_NAME', '')}): لا تُنسخ هنا؛ "
                    "نسختها الاحتياطية هي إصدارات المخزن أو نسخه المتماثلة (README: "
                    "«Backup and restore»)."
                )
            else:
                Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
                media = work / f"{name}{backups.MEDIA_SUFFIX}"
                call_command("mediabackup", output_path=str(media), **library)
                report.append(
                    f"الملفات: {folder / media.name} (عددها {backups.media_file_count()}، "
                    f"{filesizeformat(media.stat().st_size)})"
                )
            for path in work.iterdir():
                path.rename(folder / path.name)
        finally:
            shutil.rmtree(work, ignore_errors=True)

        pruned = backups.prune(folder, settings.BACKUP_KEEP if keep is None else keep)
        if verbosity:
            for line in report:
                self.stdout.write(line)
            if pruned:
                self.stdout.write("حُذفت النسخ الأقدم: " + "، ".join(pruned))
            self.stdout.write(
                self.style.SUCCESS(
                    f"تمّت النسخة الاحتياطية {name}. "
                    f"للاستعادة: python manage.py restore_paper {name}"
                )
            )
