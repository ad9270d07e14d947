from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles import backups
from articles.models import Article

YES = {"نعم", "yes", "y"}


class Command(BaseCommand):
    help = (
        "Restore the paper from a set made by backup_paper: the database (with the backup API "
        "on SQLite, pg_restore on PostgreSQL) and the files under MEDIA_ROOT; then empty every "
        "cache, so no page from before the restore is served. Stop the app servers first and "
        "start them after. Without a name, lists the sets in BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "name",
            nargs="?",
            help="The set in BACKUP_DIR: its name (newsroom-2025-06-01-030000), its date stamp or "
            "one of its files; or the path of one of its files in another folder.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, name, interactive, verbosity, **options):
        folder = Path(settings.BACKUP_DIR)
        backup_set = backups.find_set(folder, name) if name else None
        if backup_set is None:
            raise CommandError(self.unknown(folder, name))

        here, there = connection.vendor, backup_set.vendor()
        if here != there:
            raise CommandError(
                f"النسخة {backup_set.name} من قاعدة {backups.VENDOR_NAMES[there]}، وهذا "
                f"التشغيل على {backups.VENDOR_NAMES.get(here, here)} (DATABASE_URL): لا تُستعاد "
                "نسخة في قاعدة من نوع آخر. لم يتغيّر شيء."
            )
        database = backup_set.database()
        media_local = backups.media_is_local()
        if interactive and not self.confirmed(backup_set, media_local):
            self.stdout.write("أُلغيت الاستعادة؛ لم يتغيّر شيء.")
            return

        library = {"verbosity": max(verbosity - 1, 0), "interactive": False}
        try:
            call_command(
                "dbrestore",
                input_path=str(database),
                uncompress=database.name.endswith(".gz"),
                **library,
            )
        except Exception as error:
            raise CommandError(
                f"تعذّرت استعادة قاعدة البيانات من {database}؛ بقيت كما كانت: {error}"
            ) from error
        report = [f"قاعدة البيانات من {database.name}: عدد الأخبار {Article.objects.count()}"]

        if not media_local:
            report.append(
                "الملفات في مخزن الكائنات (S3): لا تُستعاد من هنا؛ استعدها من إصدارات المخزن."
            )
        elif not backup_set.media.exists():
            report.append(f"لا أرشيف للملفات في النسخة {backup_set.name}: لم تُستعد الملفات.")
        else:
            Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
            call_command("mediarestore", input_path=str(backup_set.media), replace=True, **library)
            report.append(f"الملفات في {settings.MEDIA_ROOT}: عددها {backups.media_file_count()}")

        backups.forget_cached_pages()
        if verbosity:
            for line in report:
                self.stdout.write(line)
            self.stdout.write(
                self.style.SUCCESS(
                    f"استُعيدت النسخة {backup_set.name} وأُفرغت ذاكرة الصفحات. إن كانت الشيفرة "
                    "أحدث من النسخة فشغّل python manage.py migrate، ثم شغّل خوادم التطبيق."
                )
            )

    def unknown(self, folder: Path, name: str | None) -> str:
        sets = backups.list_sets(folder)
        asked = f"لا توجد نسخة احتياطية باسم «{name}» في {folder}." if name else "سمِّ النسخة."
        if not sets:
            return f"{asked} لا نسخ هناك بعد (python manage.py backup_paper يصنع واحدة)."
        listed = "\n".join(f"  {backup_set.name}" for backup_set in sets)
        return f"{asked} النسخ الموجودة، الأحدث أولًا:\n{listed}"

    def confirmed(self, backup_set: backups.BackupSet, media_local: bool) -> bool:
        target = connection.settings_dict["NAME"]
        files = f" وتُكتب ملفاتها في {settings.MEDIA_ROOT}" if media_local else ""
        question = (
            f"ستحلّ النسخة {backup_set.name} محلّ قاعدة البيانات {target}{files}؛ "
            "يضيع كل ما كُتب بعدها. أوقف خوادم التطبيق قبل المتابعة.\n"
            "اكتب «نعم» للمتابعة: "
        )
        try:
            return input(question).strip().lower() in YES
        except EOFError:
            return False
