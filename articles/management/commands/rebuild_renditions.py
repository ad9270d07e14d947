from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles import images
from articles.models import Article, Editor, Masthead


@dataclass
class Photo:
    """A lead image or an editor's photo as stored: its row's values, no model instance."""

    model: type
    pk: int
    name: str
    storage: Storage
    rendition_set: images.RenditionSet
    width: int | None = None
    height: int | None = None
    focal: images.Focal | None = images.CENTRE  # where its crops are centred


class Command(BaseCommand):
    help = (
        "Make the responsive renditions (WebP and JPEG, several widths) of every lead image, "
        "editor photo and masthead logo that lacks them, and the site icon's PNG sizes; --force "
        "remakes them all, e.g. after changing the sizes. "
        "--clean-originals first rewrites every stored original and every image inside "
        "articles that still carries metadata (EXIF, GPS, XMP, IPTC, ICC, comments, text, "
        "trailing bytes) as its clean copy, under the same name, and remakes its renditions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Remake renditions that already exist."
        )
        parser.add_argument(
            "--clean-originals",
            action="store_true",
            help="Rewrite stored originals and images inside articles without their metadata.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the images (and, with --clean-originals, those carrying "
            "metadata); write nothing.",
        )

    def handle(
        self,
        *args,
        force=False,
        clean_originals=False,
        dry_run=False,
        verbosity=1,
        **options,
    ):
        photos = self._photos()
        cleaned = set()
        if clean_originals:
            cleaned = self._clean(photos, dry_run=dry_run, verbosity=verbosity)
        if dry_run:
            if verbosity:
                self.stdout.write(f"{len(photos)} images would be checked; nothing written.")
            return
        self._renditions(photos, force=force, cleaned=cleaned, verbosity=verbosity)
        self._icons(force=force, verbosity=verbosity)

    def _icons(self, *, force, verbosity):
        """The masthead's site icon: its PNG sizes (images.ICON_SIZES), made whole again."""
        storage = Masthead._meta.get_field("favicon").storage
        for name in Masthead.objects.exclude(favicon="").values_list("favicon", flat=True):
            if not storage.exists(name):
                self.stderr.write(f"Original missing from storage, skipped: {name}")
                continue
            written = images.icons_make(storage=storage, original=name, force=force)
            if verbosity:
                self.stdout.write(f"Site icon {name}: {len(written)} sizes written.")

    @staticmethod
    def _photos() -> list[Photo]:
        """Every stored photo, read as plain values: a model instance per row would cost more
        than the check itself at 100,000 stories (and Django would open the file of any row
        whose dimensions are empty, just to fill them in memory)."""
        lead = Article._meta.get_field("lead_image").storage
        social = Article._meta.get_field("social_image").storage
        portrait = Editor._meta.get_field("photo").storage
        logo = Masthead._meta.get_field("logo").storage
        columns = ("pk", "lead_image", "lead_image_width", "lead_image_height", "focal_x")
        return (
            [
                Photo(
                    Article,
                    pk,
                    name,
                    lead,
                    images.LEAD,
                    width,
                    height,
                    images.focal_percent(focal_x, focal_y),
                )
                for pk, name, width, height, focal_x, focal_y in Article.objects.exclude(
                    lead_image=""
                )
                .order_by("pk")
                .values_list(*columns, "focal_y")
                .iterator(chunk_size=5000)
            ]
            + [
                Photo(Article, pk, name, social, images.SOCIAL, width, height)
                for pk, name, width, height in Article.objects.exclude(social_image="")
                .order_by("pk")
                .values_list("pk", "social_image", "social_image_width", "social_image_height")
                .iterator(chunk_size=5000)
            ]
            + [
                Photo(Editor, pk, name, portrait, images.PORTRAIT)
                for pk, name in Editor.objects.exclude(photo="")
                .order_by("pk")
                .values_list("pk", "photo")
            ]
            + [
                Photo(Masthead, pk, name, logo, images.LOGO, width, height, focal=None)
                for pk, name, width, height in Masthead.objects.exclude(logo="").values_list(
                    "pk", "logo", "logo_width", "logo_height"
                )
            ]
            + [
                # Photos inside bodies (the article page offers their renditions); animations
                # are served as they are stored.
                Photo(None, 0, name, default_storage, images.BODY, focal=None)
                for name in images.body_images(default_storage)
                if not name.lower().endswith(".gif")
            ]
        )

    def _progress(self, work, desc, unit, verbosity):
        return tqdm(
            work,
            desc=desc,
            unit=unit,
            file=self.stderr._out,
            disable=verbosity == 0 or not work,
        )

    def _clean(self, photos, *, dry_run, verbosity) -> set[str]:
        """Rewrite what still carries metadata; return the originals rewritten."""
        originals = [photo for photo in photos if photo.rendition_set is not images.BODY]
        files = [(photo.storage, photo.name, images.ORIGINAL_QUALITY) for photo in originals] + [
            (default_storage, name, images.BODY_IMAGE_QUALITY)
            for name in images.body_images(default_storage)
        ]
        found_in, problems = {}, []
        progress = self._progress(files, "metadata", "file", verbosity)
        for storage, name, quality in progress:
            try:
                found = images.stored_image_clean(
                    storage=storage, name=name, quality=quality, dry_run=dry_run
                )
            except FileNotFoundError:
                problems.append(f"Stored file missing, skipped: {name}")
                continue
            except ValidationError as refusal:  # e.g. over today's pixel limit
                problems.append(f"Not cleaned ({refusal.code}): {name}")
                continue
            if found:
                found_in[name] = found
                if verbosity >= 2:
                    progress.write(f"  {name}: {', '.join(found)}", file=self.stdout._out)
        progress.close()

        if verbosity:
            done = "would be rewritten; nothing written" if dry_run else "rewritten"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(files)} stored files read, {len(found_in)} carrying metadata {done}."
                )
            )
            for problem in problems:
                self.stderr.write(problem)
        return {photo.name for photo in photos if photo.name in found_in}

    def _renditions(self, photos, *, force, cleaned, verbosity):
        written, missing = 0, []
        progress = self._progress(photos, "renditions", "image", verbosity)
        for photo in progress:
            if (
                photo.model is Article
                and photo.width is None
                and photo.rendition_set is images.LEAD
            ):
                self._store_dimensions(photo)
            remake = force or photo.name in cleaned
            if not remake and not images.renditions_missing(
                storage=photo.storage,
                original=photo.name,
                rendition_set=photo.rendition_set,
                width=photo.width,
                height=photo.height,
                focal=photo.focal,
            ):
                continue
            if not photo.storage.exists(photo.name):
                missing.append(photo.name)
                continue
            names = images.renditions_make(
                storage=photo.storage,
                original=photo.name,
                rendition_set=photo.rendition_set,
                focal=photo.focal,
                force=remake,
            )
            written += len(names)
            if verbosity >= 2:
                for name in names:
                    progress.write(f"  {name}", file=self.stdout._out)
        progress.close()

        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(photos)} images checked, {written} rendition files written."
                )
            )
            for name in missing:
                self.stderr.write(f"Original missing from storage, skipped: {name}")

    @staticmethod
    def _store_dimensions(photo: Photo) -> None:
        """Stories stored before their dimensions were recorded."""
        width, height = images.oriented_size_of_stored(photo.storage, photo.name)
        Article.objects.filter(pk=photo.pk).update(lead_image_width=width, lead_image_height=height)
        photo.width, photo.height = width, height
