"""Photos the paper can trust: upload validation, responsive renditions and their clean-up.

Every image path goes through `validate_image_upload()`: the article's lead image and the
editor's photo (through `NewsImageField`) and images uploaded inside the rich-text editor
(`articles/richtext.py`). A file is accepted only if it is a real, complete JPEG, PNG, WebP or
GIF under the size and pixel limits; anything else gets a clear Arabic message and never
reaches media storage.

Renditions are made once, right after the row that holds the image is committed, and stored
under `renditions/<original name>/` (e.g. `renditions/articles/2026/05/nile.jpg/800w.webp`):
a few widths, each in WebP and JPEG, turned upright from their EXIF orientation and stripped of
all metadata (no GPS leaves the building). Pages only compute their URLs, so a page costs no
query and no file access per image. When an original is replaced or deleted, django-cleanup
removes it after the commit and `_remove_renditions_with_original` removes its renditions.

Why not django-imagekit or easy-thumbnails: imagekit decodes the original once per rendition
(six times here) and never deletes what it made; easy-thumbnails keeps a database row per
thumbnail, a query per image on public pages. Decoding once with Pillow and naming files
predictably is the small part neither library does the way a news site needs.
"""

import contextlib
import io
import os
import posixpath
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_cleanup.signals import cleanup_pre_delete
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> the extensions an upload of that kind may carry.
ALLOWED_FORMATS = {
    "JPEG": ("jpg", "jpeg"),
    "PNG": ("png",),
    "WEBP": ("webp",),
    "GIF": ("gif",),
}
ALLOWED_EXTENSIONS = {ext for extensions in ALLOWED_FORMATS.values() for ext in extensions}
ALLOWED_FORMATS_TEXT = "JPEG أو PNG أو WebP أو GIF"

# EXIF orientations that swap width and height once the photo is turned upright.
_SIDEWAYS_ORIENTATIONS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112


def max_upload_bytes() -> int:
    return settings.NEWSROOM_IMAGE_MAX_BYTES


def max_upload_pixels() -> int:
    return settings.NEWSROOM_IMAGE_MAX_PIXELS


def configure_pillow() -> None:
    """Pillow warns past MAX_IMAGE_PIXELS and refuses past twice that: use our own limit.

    Our validator refuses anything over the limit before decoding it; this also guards every
    other place that opens an image (renditions, the admin, a shell).
    """
    Image.MAX_IMAGE_PIXELS = max_upload_pixels()


# --- Validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageFacts:
    format: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def validate_image_upload(upload) -> ImageFacts:
    """Accept only a real, complete image in an allowed format, within the limits.

    The order matters: cheap checks first, the pixel count from the header before anything is
    decoded (a 50 KB PNG can declare a billion pixels), then Pillow's `verify()`, then a full
    decode, which is the only way to notice a truncated JPEG.
    """
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if not size:
        raise _refuse("الملف فارغ (حجمه صفر). اختر الصورة مرة أخرى ثم ارفعها.", "empty")
    if size > max_upload_bytes():
        raise _refuse(
            f"حجم الصورة {_megabytes(size)} ميجابايت، والحد الأقصى "
            f"{_megabytes(max_upload_bytes())} ميجابايت. صغّر الصورة ثم أعد رفعها.",
            "too_large",
        )
    extension = posixpath.splitext(name)[1].lstrip(".").lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise _refuse(
            f"امتداد الملف «{extension or 'بلا امتداد'}» غير مقبول. "
            f"الصيغ المقبولة: {ALLOWED_FORMATS_TEXT}.",
            "extension",
        )

    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        facts = _inspect_header(upload)
        _decode_fully(upload)
    finally:
        upload.seek(position)
    return facts


def _not_an_image() -> ValidationError:
    return _refuse(
        f"هذا الملف ليس صورة {ALLOWED_FORMATS_TEXT} صالحة. إن كان صورة بصيغة أخرى "
        "(مثل HEIC أو TIFF أو SVG) فاحفظها بصيغة JPEG أو PNG ثم أعد رفعها.",
        "not_an_image",
    )


def _damaged() -> ValidationError:
    return _refuse(
        "الصورة تالفة أو ناقصة (ربما لم يكتمل تنزيلها أو نسخها). "
        "افتحها على جهازك للتأكد، ثم أعد رفعها.",
        "damaged",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = max_upload_pixels() / 1_000_000
    dimensions = f" ({width}×{height} بكسل)" if width and height else ""
    return _refuse(
        f"أبعاد الصورة{dimensions} أكبر من الحد المسموح ({limit:g} ميجابكسل). "
        "صغّر أبعادها ثم أعد رفعها.",
        "too_many_pixels",
    )


def _open(upload) -> Image.Image:
    """Open with Pillow restricted to our formats; a decompression bomb is an error, not a
    warning. Only the header is read here."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(upload, formats=list(ALLOWED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels() from error
        except UnidentifiedImageError as error:
            raise _not_an_image() from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise _damaged() from error


def _inspect_header(upload) -> ImageFacts:
    # `with`, not close(): Pillow's close() would also close the caller's upload.
    with _open(upload) as image:
        width, height = image.size
        if width < 1 or height < 1:
            raise _damaged()
        if width * height > max_upload_pixels():
            raise _too_many_pixels(width, height)
        facts = ImageFacts(format=image.format, width=width, height=height)
        try:
            image.verify()
        except Exception as error:
            raise _damaged() from error
    return facts


def _decode_fully(upload) -> None:
    with _open(upload) as image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.load()
        except Exception as error:  # truncated data, bad chunks, codec errors
            raise _damaged() from error


def validate_new_image(value) -> None:
    """Model-level validator: checks a newly assigned upload, not a file already stored."""
    if not value or getattr(value, "_committed", True):
        return
    validate_image_upload(value.file)


def oriented_size(file) -> tuple[int | None, int | None]:
    """Width and height as the photo is seen, after its EXIF orientation; header only."""
    try:
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        position = 0
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file, formats=list(ALLOWED_FORMATS)) as image:
                width, height = image.size
                orientation = image.getexif().get(_EXIF_ORIENTATION)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return None, None
    finally:
        with contextlib.suppress(OSError, ValueError):
            file.seek(position)
    if orientation in _SIDEWAYS_ORIENTATIONS:
        width, height = height, width
    return width, height


class NewsImageFormField(forms.ImageField):
    """The admin's image input: our checks and messages run before Django's own."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            validate_image_upload(data)
        return super().to_python(data)


class NewsImageFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        """Dimensions as seen upright, so width/height attributes match the renditions."""
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            try:
                self.open()
            except OSError:  # a missing original must not break the page that lists it
                return None, None
            try:
                self._dimensions_cache = oriented_size(self)
            finally:
                if close:
                    self.close()
        return self._dimensions_cache


class NewsImageField(models.ImageField):
    """An ImageField that accepts only validated photos and reports upright dimensions."""

    attr_class = NewsImageFieldFile
    default_validators = [*models.ImageField.default_validators, validate_new_image]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NewsImageFormField, **kwargs})


# --- Renditions ---------------------------------------------------------------------------

RENDITIONS_DIR = "renditions"


@dataclass(frozen=True)
class RenditionSet:
    """How one kind of image is rendered: the widths made, and whether they are square crops."""

    name: str
    widths: tuple[int, ...]
    square: bool = False


LEAD = RenditionSet("lead", widths=(480, 800, 1200))
PORTRAIT = RenditionSet("portrait", widths=(160, 320), square=True)

WEBP_OPTIONS = {"quality": 80, "method": 4}
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
FORMATS = (("webp", "WEBP", WEBP_OPTIONS), ("jpg", "JPEG", JPEG_OPTIONS))


@dataclass(frozen=True)
class PlannedRendition:
    label: int  # the width the file is named after: 480w, 800w, ...
    width: int  # what it really measures: never wider than the original
    height: int


def rendition_plan(
    rendition_set: RenditionSet, width: int | None, height: int | None
) -> list[PlannedRendition]:
    """The renditions an original of this size gets: never upscaled, no two the same width.

    Square portraits are always made at their exact sizes (small and cropped anyway).
    """
    if rendition_set.square:
        return [PlannedRendition(size, size, size) for size in rendition_set.widths]
    if not width or not height:
        return []
    plan, seen = [], set()
    for label in rendition_set.widths:
        actual = min(label, width)
        if actual in seen:
            continue
        seen.add(actual)
        plan.append(PlannedRendition(label, actual, max(1, round(height * actual / width))))
    return plan


def rendition_dir(original_name: str) -> str:
    return posixpath.join(RENDITIONS_DIR, original_name)


def rendition_name(original_name: str, label: int, extension: str) -> str:
    return posixpath.join(rendition_dir(original_name), f"{label}w.{extension}")


def _upright_rgb(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation, then keep pixels only: no EXIF, XMP, comments or ICC."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}
    return image


def _resize(image: Image.Image, planned: PlannedRendition, square: bool) -> Image.Image:
    size = (planned.width, planned.height)
    if square:
        resized = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    elif image.size == size:
        resized = image.copy()
    else:
        resized = image.resize(size, Image.Resampling.LANCZOS)
    resized.info = {}
    return resized


def _encode(image: Image.Image, pillow_format: str, options: dict) -> bytes:
    if pillow_format == "JPEG" and image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


def _replace(storage: Storage, name: str, content: bytes) -> None:
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # a race with another writer: never leave a stray copy behind
        storage.delete(saved)


def renditions_generate(
    *, field_file: FieldFile, rendition_set: RenditionSet, force: bool = False
) -> list[str]:
    """Make the renditions an image lacks (all of them with `force`); return the names written.

    The original is decoded once; JPEGs are decoded at a reduced scale when that is enough.
    """
    if not field_file:
        return []
    storage, original = field_file.storage, field_file.name
    width, height = oriented_size_of_stored(storage, original)
    plan = rendition_plan(rendition_set, width, height)
    wanted = [
        (planned, extension, pillow_format, options)
        for planned in plan
        for extension, pillow_format, options in FORMATS
        if force or not storage.exists(rendition_name(original, planned.label, extension))
    ]
    if not wanted:
        return []

    largest = max(max(planned.width, planned.height) for planned, *_ in wanted)
    written = []
    with storage.open(original, "rb") as source, Image.open(source) as image:
        if image.format == "JPEG":
            image.draft("RGB", (largest, largest))
        upright = _upright_rgb(image)
        for planned in sorted({item[0] for item in wanted}, key=lambda p: -p.width):
            resized = _resize(upright, planned, rendition_set.square)
            for item_planned, extension, pillow_format, options in wanted:
                if item_planned != planned:
                    continue
                name = rendition_name(original, planned.label, extension)
                _replace(storage, name, _encode(resized, pillow_format, options))
                written.append(name)
    return written


def oriented_size_of_stored(storage: Storage, name: str) -> tuple[int | None, int | None]:
    try:
        with storage.open(name, "rb") as file:
            return oriented_size(file)
    except OSError:
        return None, None


def renditions_generate_on_commit(*, field_file: FieldFile, rendition_set: RenditionSet) -> None:
    """After the row is committed, make whatever renditions the image still lacks.

    Cheap when they exist (one existence check per file), so every save may call it; a
    rolled-back save makes nothing. A failure is logged, never shown to the editor as a crash.
    """
    if not field_file:
        return
    name = field_file.name

    def generate():
        if field_file.name != name:  # replaced again before the commit
            return
        renditions_generate(field_file=field_file, rendition_set=rendition_set)

    transaction.on_commit(generate, robust=True)


def renditions_delete(*, storage: Storage, original_name: str) -> list[str]:
    """Remove every rendition of an original (whatever widths were configured back then)."""
    folder = rendition_dir(original_name)
    try:
        _dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    removed = []
    for filename in files:
        storage.delete(posixpath.join(folder, filename))
        removed.append(posixpath.join(folder, filename))
    _remove_empty_folder(storage, folder)
    return removed


def _remove_empty_folder(storage: Storage, folder: str) -> None:
    try:
        path = storage.path(folder)
    except NotImplementedError:  # object storage has no folders to tidy
        return
    with contextlib.suppress(OSError):
        os.rmdir(path)


@receiver(cleanup_pre_delete, dispatch_uid="articles_remove_renditions_with_original")
def _remove_renditions_with_original(sender, file, file_name, **kwargs):
    """django-cleanup is about to delete an original (replaced, cleared or its row deleted)."""
    renditions_delete(storage=file.storage, original_name=file_name)


# --- What templates get -------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """Everything `cards.picture_html` needs, computed without touching storage."""

    webp_srcset: str
    src: str
    width: int
    height: int
    thumbnail_src: str  # the smallest JPEG, for lists in the admin
    share_src: str  # the largest JPEG, for link previews (Open Graph, JSON-LD) and feeds


def picture(
    field_file: FieldFile,
    rendition_set: RenditionSet,
    *,
    width: int | None = None,
    height: int | None = None,
) -> Picture | None:
    if not field_file:
        return None
    plan = rendition_plan(rendition_set, width, height)
    if not plan:
        return None
    # Renditions sit side by side in one directory: its address is asked of the storage once
    # (seven url() calls per card were a tenth of a cold home page's render).
    directory = field_file.storage.url(rendition_dir(field_file.name) + "/")

    def url(label: int, extension: str) -> str:
        return f"{directory}{label}w.{extension}"

    srcset = ", ".join(f"{url(planned.label, 'webp')} {planned.width}w" for planned in plan)

    # The JPEG for a browser without WebP is the middle size: fine on any screen.
    fallback = plan[min(1, len(plan) - 1)]
    largest = plan[-1]
    return Picture(
        webp_srcset=srcset,
        src=url(fallback.label, "jpg"),
        width=largest.width,
        height=largest.height,
        thumbnail_src=url(plan[0].label, "jpg"),
        share_src=url(largest.label, "jpg"),
    )


# --- Images inside article bodies ---------------------------------------------------------

BODY_IMAGE_MAX_WIDTH = 1600
BODY_IMAGES_DIR = "uploads/%Y/%m/"


def body_image_store(*, upload, facts: ImageFacts, storage: Storage) -> str:
    """Store an image uploaded inside the rich-text editor; return its storage name.

    The body links to this file directly, so it is re-encoded: turned upright, no wider than
    the article column needs, all metadata (EXIF GPS above all) dropped. GIFs are kept as
    uploaded so animations survive; they carry no EXIF.
    """
    stem = posixpath.splitext(posixpath.basename(upload.name))[0]
    stem = get_valid_filename(stem)[:80] or "image"
    folder = timezone.localdate().strftime(BODY_IMAGES_DIR)
    if facts.format == "GIF":
        upload.seek(0)
        return storage.save(posixpath.join(folder, f"{stem}.gif"), upload)

    upload.seek(0)
    with Image.open(upload, formats=list(ALLOWED_FORMATS)) as image:
        upright = _upright_rgb(image)
    if upright.width > BODY_IMAGE_MAX_WIDTH:
        height = max(1, round(upright.height * BODY_IMAGE_MAX_WIDTH / upright.width))
        upright = upright.resize((BODY_IMAGE_MAX_WIDTH, height), Image.Resampling.LANCZOS)
        upright.info = {}
    if facts.format == "PNG":
        content, extension = _encode(upright, "PNG", {"optimize": True}), "png"
    elif facts.format == "WEBP":
        content, extension = _encode(upright, "WEBP", {"quality": 85, "method": 4}), "webp"
    else:
        content, extension = _encode(upright, "JPEG", {**JPEG_OPTIONS, "quality": 85}), "jpg"
    return storage.save(posixpath.join(folder, f"{stem}.{extension}"), ContentFile(content))
