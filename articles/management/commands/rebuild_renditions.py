from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles import images
from articles.models import Article, Editor


class Command(BaseCommand):
    help = (
        "Make the responsive renditions (WebP and JPEG, several widths) of every lead image and "
        "editor photo that lacks them; --force remakes them all, e.g. after changing the sizes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Remake renditions that already exist."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the images; write nothing."
        )

    def handle(self, *args, force=False, dry_run=False, verbosity=1, **options):
        work = [
            (article, article.lead_image, images.LEAD)
            for article in Article.objects.exclude(lead_image="").only(
                "pk", "lead_image", "lead_image_width", "lead_image_height"
            )
        ] + [
            (editor, editor.photo, images.PORTRAIT)
            for editor in Editor.objects.exclude(photo="").only("pk", "photo")
        ]
        if dry_run:
            if verbosity:
                self.stdout.write(f"{len(work)} images would be checked; nothing written.")
            return

        # Stories stored before their dimensions were recorded (Django fills them in memory
        # when it loads the row, so ask the database).
        without_dimensions = set(
            Article.objects.exclude(lead_image="")
            .filter(lead_image_width__isnull=True)
            .values_list("pk", flat=True)
        )
        written, missing = 0, []
        progress = tqdm(
            work,
            desc="renditions",
            unit="image",
            file=self.stderr._out,
            disable=verbosity == 0 or not work,
        )
        for owner, field_file, rendition_set in progress:
            if not field_file.storage.exists(field_file.name):
                missing.append(field_file.name)
                continue
            if isinstance(owner, Article) and owner.pk in without_dimensions:
                self._store_dimensions(owner)
            names = images.renditions_generate(
                field_file=field_file, rendition_set=rendition_set, force=force
            )
            written += len(names)
            if verbosity >= 2:
                for name in names:
                    progress.write(f"  {name}", file=self.stdout._out)
        progress.close()

        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(work)} images checked, {written} rendition files written."
                )
            )
            for name in missing:
                self.stderr.write(f"Original missing from storage, skipped: {name}")

    @staticmethod
    def _store_dimensions(article):
        width, height = images.oriented_size_of_stored(
            article.lead_image.storage, article.lead_image.name
        )
        Article.objects.filter(pk=article.pk).update(
            lead_image_width=width, lead_image_height=height
        )
        article.lead_image_width, article.lead_image_height = width, height
