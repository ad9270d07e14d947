from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import (
    ArticleFormatError,
    article_create_from_import,
    decode_article_file,
    parse_article_text,
)
from articles.models import Editor, Section


class Command(BaseCommand):
    help = (
        "Import a plain-text article in the archive page format (credit lines, headline, "
        "caption, paragraphs). It lands as a draft unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--section", help="Section slug (default: the first section).")
        parser.add_argument(
            "--author",
            action="append",
            dest="authors",
            help="Editor slug; repeat for several authors, in byline order. "
            "Default: the editor named in the file's credit lines.",
        )
        parser.add_argument("--publish", action="store_true", help="Publish at once.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            parsed = parse_article_text(decode_article_file(path.read_bytes()))
            article = article_create_from_import(
                parsed=parsed,
                section=self._section(options["section"]),
                authors=self._authors(options["authors"], parsed.credited_names),
                publish=options["publish"],
            )
        except OSError as error:
            raise CommandError(f"تعذر فتح الملف {path}: {error.strerror}") from error
        except ArticleFormatError as error:
            raise CommandError(f"{path}: {error}") from error
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"استُورد الخبر «{article.headline}» ({article.get_status_display()})."
                )
            )

    def _section(self, slug):
        sections = Section.objects.all()
        section = sections.filter(slug=slug).first() if slug else sections.first()
        if section is None:
            raise ArticleFormatError(f"القسم «{slug}» غير موجود." if slug else "لا توجد أقسام بعد.")
        return section

    def _authors(self, slugs, credited_names):
        if slugs:
            editors = {editor.slug: editor for editor in Editor.objects.filter(slug__in=slugs)}
            missing = [slug for slug in slugs if slug not in editors]
            if missing:
                raise ArticleFormatError(f"لا يوجد محرر بالمعرّف: {'، '.join(missing)}")
            return [editors[slug] for slug in slugs]
        editors = list(Editor.objects.filter(name__in=credited_names)[:1])
        if not editors:
            raise ArticleFormatError("لم يُعثر على كاتب الخبر؛ حدده بالخيار --author.")
        return editors
