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
from articles.models import Article, Editor, Masthead, Section

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


class Command(BaseCommand):
    help = "Load demo sections, editors and articles (the seed page among them). Safe to re-run."

    @transaction.atomic
    def handle(self, *args, **options):
        demo = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))
        Masthead.objects.update_or_create(pk=Masthead.SINGLETON_PK, defaults=demo["masthead"])

        sections = {}
        for position, data in enumerate(demo["sections"], start=1):
            sections[data["slug"]], _ = Section.objects.update_or_create(
                slug=data["slug"], defaults={**data, "nav_position": position}
            )

        editors = {}
        for data in demo["editors"]:
            if data.get("is_editor_in_chief"):
                # Step the current chief down first: the database allows only one.
                Editor.objects.filter(is_editor_in_chief=True).exclude(slug=data["slug"]).update(
                    is_editor_in_chief=False
                )
            editors[data["slug"]], _ = Editor.objects.update_or_create(
                slug=data["slug"], defaults=data
            )

        created = 0
        now = timezone.now()
        for data in demo["articles"]:
            parsed = parse_article_text(decode_article_file((DEMO_DIR / data["file"]).read_bytes()))
            if Article.objects.filter(headline=parsed.headline).exists():
                continue
            article = article_create_from_import(
                parsed=parsed,
                section=sections[data["section"]],
                authors=[editors[slug] for slug in data["authors"]],
                publish=True,
                kicker=data.get("kicker", ""),
                dek=data.get("dek", ""),
                published_at=now - timedelta(hours=data["hours_ago"]),
            )
            if image := data.get("image"):
                article.lead_image_alt = image["alt"]
                article.lead_image_credit = image["credit"]
                article.lead_image.save(
                    f"{Path(data['file']).stem}.jpg", demo_photo(image["color"])
                )
            # Demo stories read as published hours ago, not as edited just now.
            Article.objects.filter(pk=article.pk).update(
                created_at=article.published_at, updated_at=article.published_at
            )
            created += 1

        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content ready: {len(sections)} sections, {len(editors)} editors, "
                    f"{created} new articles."
                )
            )
