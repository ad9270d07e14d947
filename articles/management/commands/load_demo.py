import io
import json
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.importer import article_create_from_import, decode_article_file, parse_article_text
from articles.models import Article, Editor, LiveEntry, Masthead, Section

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


def demo_photo(color: list[int], size=(1200, 675)) -> ContentFile:
    """A placeholder news photo: a soft gradient with a horizon, so cards look like cards."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    width, height = size
    for y in range(height):
        shade = 0.55 + 0.45 * (y / height)
        draw.line([(0, y), (width, y)], fill=tuple(int(channel * shade) for channel in color))
    draw.rectangle([0, int(height * 0.72), width, height], fill=tuple(c // 2 for c in color))
    draw.ellipse([width * 0.68, height * 0.12, width * 0.82, height * 0.37], fill=(240, 230, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue())


def masthead_is_untouched(masthead: Masthead | None) -> bool:
    """No masthead yet, or the one the first page view made with the model's defaults: nobody
    has edited it, so the demo may name the paper."""
    if masthead is None:
        return True
    return all(
        getattr(masthead, field.attname) == field.get_default()
        for field in Masthead._meta.concrete_fields
        if not field.primary_key
    )


def load_live_coverage(article: Article, coverage: dict, *, editors: dict, now) -> None:
    """The story's live coverage as it happened: its start and end, and its entries."""

    def ago(minutes):
        return now - timedelta(minutes=minutes) if minutes is not None else None

    Article.objects.filter(pk=article.pk).update(
        live_started_at=ago(coverage["started_minutes_ago"]),
        live_ended_at=ago(coverage.get("ended_minutes_ago")),
    )
    for entry in coverage["entries"]:
        LiveEntry.objects.create(
            article=article,
            body=entry["body"],
            author=editors[entry["author"]],
            pinned=entry.get("pinned", False),
            state=LiveEntry.State.PUBLISHED,
            posted_at=ago(entry["minutes_ago"]),
        )


class Command(BaseCommand):
    help = (
        "Load demo sections, editors and articles (the seed page among them) into an empty "
        "paper. A paper that has any section, editor or article is left as it is."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        existing = {
            "sections": Section.objects.count(),
            "editors": Editor.objects.count(),
            "articles": Article.objects.count(),
        }
        if any(existing.values()):
            # `make run` and `make serve` run this on every start: the desk's own content (or
            # what is left of the demo after its edits and deletions) is never touched.
            if options["verbosity"]:
                self.stdout.write(
                    "The paper already has content ("
                    + ", ".join(f"{count} {name}" for name, count in existing.items())
                    + "): demo content not loaded."
                )
            return

        demo = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))
        if masthead_is_untouched(Masthead.objects.filter(pk=Masthead.SINGLETON_PK).first()):
            Masthead.objects.update_or_create(pk=Masthead.SINGLETON_PK, defaults=demo["masthead"])

        sections = {
            data["slug"]: Section.objects.create(**data, nav_position=position)
            for position, data in enumerate(demo["sections"], start=1)
        }
        editors = {data["slug"]: Editor.objects.create(**data) for data in demo["editors"]}

        created = 0
        now = timezone.now()
        for data in demo["articles"]:
            parsed = parse_article_text(decode_article_file((DEMO_DIR / data["file"]).read_bytes()))
            article = article_create_from_import(
                parsed=parsed,
                section=sections[data["section"]],
                authors=[editors[slug] for slug in data["authors"]],
                publish=True,
                kicker=data.get("kicker", ""),
                dek=data.get("dek", ""),
                published_at=now - timedelta(hours=data["hours_ago"]),
            )
            article.tags.add(*data.get("tags", []))
            if image := data.get("image"):
                article.lead_image_alt = image["alt"]
                article.lead_image_credit = image["credit"]
                article.lead_image.save(
                    f"{Path(data['file']).stem}.jpg", demo_photo(image["color"])
                )
            if coverage := data.get("live"):
                load_live_coverage(article, coverage, editors=editors, now=now)
            # Demo stories read as published hours ago, not as edited just now.
            Article.objects.filter(pk=article.pk).update(
                created_at=article.published_at, updated_at=article.published_at
            )
            created += 1

        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content loaded: {len(sections)} sections, {len(editors)} editors, "
                    f"{created} articles."
                )
            )
