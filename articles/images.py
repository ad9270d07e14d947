"""Photos the paper can trust: upload validation, clean stored files, renditions, clean-up.

Every image path goes through `validate_image_upload()`: the article's lead image and the
editor's photo (through `NewsImageField`), the masthead's logo and site icon (`BrandImageField`,
`IconField`: an SVG is refused by name, the icon has a minimum size) and images uploaded inside
the rich-text editor (`articles/richtext.py`). A file is accepted only if it is a real,
complete JPEG, PNG, WebP or GIF under the size and pixel limits; anything else gets a clear
Arabic message and never reaches media storage.

What is stored is a clean copy, never the upload itself (`image_clean()`, used by every
path): turned upright from its EXIF orientation, colours converted to sRGB when it carries an
ICC profile, then encoded again with nothing but pixels (no EXIF, GPS, XMP, IPTC, comments,
text chunks or trailing bytes); animations are encoded again frame by frame, keeping their
timing, loop and transparency. Stored names are random (`articles/<32 hex digits>.jpg`): no
camera file name, no date folder, nothing to guess for a story that is not out yet.

Renditions are made once, right after the row that holds the image is committed, and stored
under `renditions/<original name>/` (e.g. `renditions/articles/3f2a….jpg/800w.webp`): a few
widths, each in WebP and JPEG. Pages only compute their URLs, so a page costs no query and no
file access per image; one that is missing (a process killed between the commit and the
renditions) is made when it is first asked for (`rendition_heal()`). When an original is
replaced or deleted, django-cleanup removes it after the commit and
`_remove_renditions_with_original` removes its renditions.

Why not django-imagekit or easy-thumbnails: imagekit decodes the original once per rendition
(six times here) and never deletes what it made; easy-thumbnails keeps a database row per
thumbnail, a query per image on public pages. Decoding once with Pillow and naming files
predictably is the small part neither library does the way a news site needs.
"""

import contextlib
import dataclasses
import io
import logging
import os
import posixpath
import re
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django_cleanup.signals import cleanup_pre_delete
from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

logger = logging.getLogger(__name__)

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


def validate_image_upload(upload, *, name: str | None = None) -> ImageFacts:
    """Accept only a real, complete image in an allowed format, within the limits.

    The order matters: cheap checks first, the pixel count from the header before anything is
    decoded (a 50 KB PNG can declare a billion pixels), then Pillow's `verify()`, then a full
    decode, which is the only way to notice a truncated JPEG. An upload that passed is
    remembered as such, so the form, the model's validation and the save check it once.
    `name` stands in for a file that has none (a `ContentFile`).
    """
    if (facts := getattr(upload, _ACCEPTED, None)) is not None:
        return facts
    name = name or getattr(upload, "name", "") or ""
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
    with contextlib.suppress(AttributeError):
        setattr(upload, _ACCEPTED, facts)
    return facts


_ACCEPTED = "_newsroom_accepted_image"


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


def _too_many_frames(frames: int) -> ValidationError:
    limit = max_upload_pixels() / 1_000_000
    return _refuse(
        f"الصورة المتحركة طويلة جدًا: إطاراتها الـ{frames} معًا أكبر من الحد المسموح "
        f"({limit:g} ميجابكسل). قصّرها أو صغّر أبعادها ثم أعد رفعها.",
        "too_many_frames",
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
    """Decode the first frame; an animation is also held to the pixel limit over all its
    frames, since the clean copy decodes every one of them (counting them decodes none)."""
    with _open(upload) as image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.load()
                frames = image.n_frames if _is_animation(image) else 1
        except Exception as error:  # truncated data, bad chunks, codec errors
            raise _damaged() from error
        if frames * image.width * image.height > max_upload_pixels():
            raise _too_many_frames(frames)


def _is_animation(image: Image.Image) -> bool:
    """A GIF, PNG or WebP with several frames (a phone's JPEG with a depth map is a photo)."""
    return image.format in {"GIF", "PNG", "WEBP"} and getattr(image, "n_frames", 1) > 1


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


# --- Clean copies: what is stored is pixels only ------------------------------------------

ORIGINAL_QUALITY = 92  # the stored original: the source of every rendition
BODY_IMAGE_QUALITY = 85  # images inside articles, served as they are stored
_EXTENSIONS = {
    pillow_format: extensions[0] for pillow_format, extensions in ALLOWED_FORMATS.items()
}


def random_name(folder: str, extension: str) -> str:
    """`folder/<32 hex digits>.<extension>`: says nothing about the photo, its camera or date."""
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


@deconstructible
class RandomName:
    """`upload_to` for image fields: a random name in `folder`, keeping only the file type
    (the clean copy's, see `NewsImageFieldFile.save`)."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = posixpath.splitext(filename)[1].lstrip(".").lower()
        return random_name(self.folder, "jpg" if extension == "jpeg" else extension or "jpg")

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    format: str  # Pillow's name: JPEG, PNG, WEBP or GIF
    width: int
    height: int

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self.format]


def image_clean(
    upload,
    *,
    name: str | None = None,
    max_width: int | None = None,
    quality: int = ORIGINAL_QUALITY,
) -> CleanImage:
    """The copy of an image that may be stored: upright, sRGB, pixels only, same format.

    Every path that stores an image calls this, after (or through) `validate_image_upload`,
    so a refused file is never stored. An animation is encoded again frame by frame with
    its frame durations, loop count and transparency; a still image is turned upright from
    its EXIF orientation, converted to sRGB if it carries an ICC profile, narrowed to
    `max_width` if given, and encoded with no EXIF, GPS, XMP, IPTC, ICC, comment or text
    chunk. What follows the image's end in the upload is never read, so never kept.
    """
    facts = validate_image_upload(upload, name=name)
    pillow_format = "JPEG" if facts.format == "MPO" else facts.format  # a phone's JPEG + depth
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    options = _encode_options(pillow_format, quality, data)
    with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as image:
        if _is_animation(image):
            content, size = _animation_clean(image, pillow_format, options)
        else:
            content, size = _still_clean(image, pillow_format, options, max_width)
    return CleanImage(content=content, format=pillow_format, width=size[0], height=size[1])


def _encode_options(pillow_format: str, quality: int, data: bytes) -> dict:
    if pillow_format == "JPEG":
        return {**JPEG_OPTIONS, "quality": quality}
    if pillow_format == "WEBP":
        if b"VP8L" in data and b"VP8 " not in data:  # a lossless WebP (a chart, a logo)
            return {"lossless": True, "method": WEBP_OPTIONS["method"]}
        return {**WEBP_OPTIONS, "quality": quality}
    if pillow_format == "PNG":
        return {"optimize": True}
    return {}


def _still_clean(image, pillow_format, options, max_width) -> tuple[bytes, tuple[int, int]]:
    image = _to_srgb(ImageOps.exif_transpose(image))
    if max_width and image.width > max_width:
        height = max(1, round(image.height * max_width / image.width))
        image = image.resize((max_width, height), Image.Resampling.LANCZOS)
    image = _pixels_only(image, pillow_format)
    if "transparency" in image.info:
        options = {**options, "transparency": image.info["transparency"]}
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue(), image.size


def _animation_clean(image, pillow_format, options) -> tuple[bytes, tuple[int, int]]:
    """Every frame as the viewer sees it (Pillow composites them), encoded again with only
    its duration; each frame replaces the last one whole, so disposal needs no copying."""
    loop = image.info.get("loop")  # absent: the animation plays once
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        rgba = frame.convert("RGBA")  # loads the frame: WebP knows its duration only then
        durations.append(frame.info.get("duration", 0))
        upright = _to_srgb(ImageOps.exif_transpose(rgba))
        upright.info = {}
        frames.append(upright)
    options = {**options, "save_all": True, "append_images": frames[1:], "duration": durations}
    if loop is not None:
        options["loop"] = loop
    if pillow_format == "GIF":
        options["disposal"] = 2  # restore to background: transparent areas stay transparent
    buffer = io.BytesIO()
    frames[0].save(buffer, format=pillow_format, **options)
    return buffer.getvalue(), frames[0].size


_SRGB = ImageCms.createProfile("sRGB")
# The colour spaces a profile may describe, and the image modes it applies to.
_PROFILE_MODES = {"RGB": ("RGB", "RGBA"), "CMYK": ("CMYK",), "GRAY": ("L",)}


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels converted from the image's ICC profile to sRGB (what a browser assumes when a
    file has none), so dropping the profile keeps the colours. A profile that does not fit
    the pixels, or that littleCMS cannot read, is dropped and the pixels are kept as they are."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    has_alpha = _has_alpha(image)
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = profile.profile.xcolor_space.strip()
        if space == "RGB" and image.mode not in _PROFILE_MODES["RGB"]:
            image = image.convert("RGBA" if has_alpha else "RGB")
        if image.mode not in _PROFILE_MODES.get(space, ()):
            return image
        converted = ImageCms.profileToProfile(
            image, profile, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        logger.warning("ICC profile not applied; the pixels are kept as they are")
        return image
    converted.info = {}
    return converted


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode in {"P", "L", "RGB"} and "transparency" in image.info
    )


# The modes each format stores as they are; anything else becomes RGB (or RGBA).
_STORED_MODES = {
    "JPEG": {"L", "RGB"},
    "WEBP": {"RGB", "RGBA"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"},
    "GIF": {"L", "P"},
}


def _pixels_only(image: Image.Image, pillow_format: str) -> Image.Image:
    """The image in a mode its format stores, carrying no information but its transparency."""
    if image.mode not in _STORED_MODES[pillow_format]:
        alpha = _has_alpha(image) and pillow_format != "JPEG"
        image = image.convert("RGBA" if alpha else "RGB")
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image


def stored_image_clean(
    *, storage: Storage, name: str, quality: int = ORIGINAL_QUALITY, dry_run: bool = False
) -> list[str]:
    """Rewrite a stored image, under the same name, as its clean copy if it carries anything
    but pixels; return what it carried (nothing: left untouched, never encoded again).

    The name is kept: pages, cached pages, article bodies and older versions link to it.
    """
    with storage.open(name, "rb") as file:
        data = file.read()
    found = metadata_found(data)
    if found and not dry_run:
        clean = image_clean(ContentFile(data, name=posixpath.basename(name)), quality=quality)
        _write(storage, name, clean.content)
    return found


# --- What a stored file carries besides pixels --------------------------------------------


def metadata_found(data: bytes) -> list[str]:
    """What a JPEG, PNG, GIF or WebP file holds besides its pixels, read from its structure:
    e.g. ["EXIF", "XMP", "trailing bytes"]. Nothing found: a clean file, left as it is.

    Pillow reports metadata it understands but not bytes after the image's end, so the
    segments, chunks and blocks are walked here; a file that cannot be walked is reported as
    such, and cleaning it again is the safe answer.
    """
    try:
        if data.startswith(b"\xff\xd8"):
            return _jpeg_metadata(data)
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png_metadata(data)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return _gif_metadata(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_metadata(data)
    except (IndexError, ValueError):
        pass
    return ["unreadable structure"]


def _jpeg_metadata(data: bytes) -> list[str]:
    found, position, end = [], 2, None
    while end is None:
        if data[position] != 0xFF:
            raise ValueError("not a marker")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            end = position + 2
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xE0 and not segment.startswith(b"JFIF\x00"):
            found.append("APP0")
        elif marker == 0xE1:
            found.append("EXIF" if segment.startswith(b"Exif\x00") else "XMP")
        elif marker == 0xE2 and segment.startswith(b"ICC_PROFILE"):
            found.append("ICC profile")
        elif marker == 0xED:
            found.append("IPTC")
        elif marker == 0xFE:
            found.append("comment")
        elif 0xE2 <= marker <= 0xEF:
            found.append(f"APP{marker - 0xE0}")
        position += 2 + length
        if marker == 0xDA:  # a scan: its coded data runs to the next marker
            while True:
                position = data.index(b"\xff", position)
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffing, restarts
                    position += 2
                elif following == 0xFF:
                    position += 1
                else:
                    break
    return _with_trailing(found, data, end)


_PNG_PIXEL_CHUNKS = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"acTL", b"fcTL", b"fdAT",
    b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs",
}  # fmt: skip
_PNG_NAMES = {b"tEXt": "text", b"zTXt": "text", b"iTXt": "text", b"eXIf": "EXIF"}


def _png_metadata(data: bytes) -> list[str]:
    found, position = [], 8
    while True:
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if len(kind) < 4:
            raise ValueError("no IEND")
        position += 12 + length
        if kind == b"IEND":
            break
        if kind == b"iCCP":
            found.append("ICC profile")
        elif kind not in _PNG_PIXEL_CHUNKS:
            found.append(_PNG_NAMES.get(kind, kind.decode("latin-1")))
    return _with_trailing(found, data, position)


def _gif_sub_blocks_end(data: bytes, position: int) -> int:
    while data[position]:
        position += data[position] + 1
    return position + 1


def _gif_metadata(data: bytes) -> list[str]:
    found = []
    flags = data[10]
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while data[position] != 0x3B:  # the trailer
        introducer = data[position]
        if introducer == 0x21:  # an extension
            label = data[position + 1]
            if label == 0xFE:
                found.append("comment")
            elif label == 0x01:
                found.append("plain text")
            elif label == 0xFF:
                application = data[position + 3 : position + 14]
                if application.startswith(b"XMP Data"):
                    found.append("XMP")
                elif application not in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                    found.append("application data")
            elif label != 0xF9:  # graphic control (timing, transparency) is pixels' business
                found.append("extension")
            position = _gif_sub_blocks_end(data, position + 2)
        elif introducer == 0x2C:  # an image
            flags = data[position + 9]
            position += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            position = _gif_sub_blocks_end(data, position + 1)  # after the LZW code size
        else:
            raise ValueError("unknown block")
    return _with_trailing(found, data, position + 1)


_WEBP_NAMES = {b"EXIF": "EXIF", b"XMP ": "XMP", b"ICCP": "ICC profile"}


def _webp_metadata(data: bytes) -> list[str]:
    found, end, position = [], 8 + int.from_bytes(data[4:8], "little"), 12
    if end > len(data):
        raise ValueError("truncated")
    while position + 8 <= end:
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        position += 8 + size + (size & 1)
        if kind not in (b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"):
            found.append(_WEBP_NAMES.get(kind, kind.decode("latin-1").strip()))
    return _with_trailing(found, data, end)


def _with_trailing(found: list[str], data: bytes, end: int) -> list[str]:
    found = list(dict.fromkeys(found))  # each kind once
    return [*found, "trailing bytes"] if end < len(data) else found


class NewsImageFormField(forms.ImageField):
    """The admin's image input: our checks and messages run before Django's own."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            validate_image_upload(data)
        return super().to_python(data)


class NewsImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the clean copy under a random name (the field's `upload_to`), never the
        upload itself; whatever path assigns the file (admin, shell, importer, demo)."""
        clean = image_clean(content, name=name)
        stem = posixpath.splitext(posixpath.basename(name))[0] or "image"
        name = f"{stem}.{clean.extension}"
        # Django reads the dimensions from `content` (a named file), not from storage.
        super().save(name, ContentFile(clean.content, name=name), save)

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
    """An ImageField that accepts only validated photos, stores their clean copies and
    reports upright dimensions."""

    attr_class = NewsImageFieldFile
    default_validators = [*models.ImageField.default_validators, validate_new_image]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NewsImageFormField, **kwargs})


# --- Renditions ---------------------------------------------------------------------------

RENDITIONS_DIR = "renditions"


CARD_ASPECT = (16, 9)  # the cards' renditions
SOCIAL_SIZE = (1200, 630)  # Open Graph's recommended share image
SOCIAL_MIN_WIDTH = SOCIAL_SIZE[0]  # narrower lead photos look blurred when shared


@dataclass(frozen=True)
class Crop:
    """Renditions cut to a fixed ratio around the photo's focal point: their names carry the
    focal point (`card-f30x50-800w.webp`), so moving it gives new addresses that no cache
    has seen, and the crops of the old point are removed once the new ones are made."""

    name: str
    aspect: tuple[int, int]
    widths: tuple[int, ...]
    extensions: tuple[str, ...]


CARD_CROP = Crop("card", CARD_ASPECT, widths=(480, 800, 1200), extensions=("webp", "jpg"))
SOCIAL_CROP = Crop("social", SOCIAL_SIZE, widths=(SOCIAL_SIZE[0],), extensions=("jpg",))
CROPS = (CARD_CROP, SOCIAL_CROP)

# A focal point as it is named and cut: whole percents of the width and height.
Focal = tuple[int, int]
CENTRE: Focal = (50, 50)


def focal_percent(focal_x: float | None, focal_y: float | None) -> Focal:
    def percent(value):
        return 50 if value is None else min(max(round(value * 100), 0), 100)

    return percent(focal_x), percent(focal_y)


@dataclass(frozen=True)
class RenditionSet:
    """How one kind of image is rendered: the folder its originals are stored in, the widths
    made whole (none: crops only), whether they are square, and the crops cut from it."""

    name: str
    folder: str
    widths: tuple[int, ...]
    square: bool = False
    crops: tuple[Crop, ...] = ()


LEAD = RenditionSet("lead", folder="articles", widths=(480, 800, 1200), crops=CROPS)
# A story's own image for shared links (it defaults to the lead photo's social crop).
SOCIAL = RenditionSet("social", folder="social", widths=(), crops=(SOCIAL_CROP,))
PORTRAIT = RenditionSet("portrait", folder="editors", widths=(160, 320), square=True)
# Photos inside article bodies: the stored copy is at most BODY_IMAGE_MAX_WIDTH wide.
BODY = RenditionSet("body", folder="uploads", widths=(480, 800, 1200))
# The paper's logo in the masthead: shown at the masthead name's height, so a few widths cover
# every screen and density (see `web/brand.py`).
LOGO = RenditionSet("logo", folder="logos", widths=(240, 480, 960))
# Photos of a live coverage's entries (articles/models/live.py), shown whole like the lead photo.
LIVE = RenditionSet("live", folder="live", widths=(480, 800, 1200))
RENDITION_SETS = (LEAD, SOCIAL, PORTRAIT, BODY, LOGO, LIVE)

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
    return _planned_widths(rendition_set.widths, width, lambda actual: height * actual / width)


def _planned_widths(labels, widest: int, height_at) -> list[PlannedRendition]:
    """One rendition per label, as wide as the label but never wider than `widest` (no
    upscaling), and no two the same width: labels past the source's width give one."""
    plan, seen = [], set()
    for label in labels:
        actual = min(label, widest)
        if actual not in seen:
            seen.add(actual)
            plan.append(PlannedRendition(label, actual, max(1, round(height_at(actual)))))
    return plan


def rendition_dir(original_name: str) -> str:
    return posixpath.join(RENDITIONS_DIR, original_name)


def rendition_name(original_name: str, label: int, extension: str) -> str:
    return posixpath.join(rendition_dir(original_name), f"{label}w.{extension}")


def crop_file_name(crop: Crop, focal: Focal, label: int, extension: str) -> str:
    return f"{crop.name}-f{focal[0]}x{focal[1]}-{label}w.{extension}"


def crop_name(original_name: str, crop: Crop, focal: Focal, label: int, extension: str) -> str:
    return posixpath.join(
        rendition_dir(original_name), crop_file_name(crop, focal, label, extension)
    )


def crop_plan(crop: Crop, width: int | None, height: int | None, focal: Focal):
    """The renditions of a crop of an original this size: the largest box of the crop's
    ratio around the focal point, at each of the crop's widths it is not narrower than."""
    if not width or not height:
        return []
    left, _top, right, _bottom = focal_crop_box(
        width, height, aspect=crop.aspect, focal_x=focal[0] / 100, focal_y=focal[1] / 100
    )
    ratio_w, ratio_h = crop.aspect
    return _planned_widths(crop.widths, right - left, lambda actual: actual * ratio_h / ratio_w)


def _upright_rgb(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation and the ICC profile (for originals stored before they were
    cleaned), then keep pixels only: no EXIF, XMP, comments or ICC."""
    image = _to_srgb(ImageOps.exif_transpose(image))
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
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


def _write(storage: Storage, name: str, content: bytes) -> None:
    """Write `name` whole or not at all: a reader (or a second writer) finds the old file or
    the new one, never none and never half of one. On a filesystem through a temporary file
    renamed into place; object storage replaces an object in one request anyway."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        _replace(storage, name, content)
        return
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".", suffix=".part", delete=False) as part:
        part.write(content)
    try:
        os.chmod(part.name, getattr(storage, "file_permissions_mode", None) or 0o644)
        os.replace(part.name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(part.name)
        raise


def _replace(storage: Storage, name: str, content: bytes) -> None:
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # a race with another writer: never leave a stray copy behind
        storage.delete(saved)


def renditions_generate(
    *,
    field_file: FieldFile,
    rendition_set: RenditionSet,
    focal: Focal = CENTRE,
    force: bool = False,
) -> list[str]:
    """Make the renditions an image lacks (all of them with `force`); return the names written.

    The original is decoded once; JPEGs are decoded at a reduced scale when that is enough.
    """
    if not field_file:
        return []
    return renditions_make(
        storage=field_file.storage,
        original=field_file.name,
        rendition_set=rendition_set,
        focal=focal,
        force=force,
    )


@dataclass(frozen=True)
class _Wanted:
    planned: PlannedRendition
    name: str
    pillow_format: str
    options: dict = dataclasses.field(hash=False, compare=False)
    crop: Crop | None = None


_FORMATS_BY_EXTENSION = {extension: (fmt, options) for extension, fmt, options in FORMATS}


def _all_wanted(original: str, rendition_set: RenditionSet, width, height, focal: Focal | None):
    wanted = [
        _Wanted(planned, rendition_name(original, planned.label, extension), fmt, options)
        for planned in rendition_plan(rendition_set, width, height)
        for extension, fmt, options in FORMATS
    ]
    for crop in rendition_set.crops if focal is not None else ():
        for planned in crop_plan(crop, width, height, focal):
            for extension in crop.extensions:
                fmt, options = _FORMATS_BY_EXTENSION[extension]
                name = crop_name(original, crop, focal, planned.label, extension)
                wanted.append(_Wanted(planned, name, fmt, options, crop))
    return wanted


def renditions_make(
    *,
    storage: Storage,
    original: str,
    rendition_set: RenditionSet,
    focal: Focal | None = CENTRE,
    force: bool = False,
) -> list[str]:
    """`renditions_generate` for an original known by its storage name only. Crops at
    another focal point than `focal` are removed once this one's are made; with no focal
    point, no crop is made or removed."""
    width, height = oriented_size_of_stored(storage, original)
    wanted = [
        item
        for item in _all_wanted(original, rendition_set, width, height, focal)
        if force or not storage.exists(item.name)
    ]
    written = []
    if wanted:
        largest = max(max(item.planned.width, item.planned.height) for item in wanted)
        with storage.open(original, "rb") as source, Image.open(source) as image:
            if image.format == "JPEG" and not any(item.crop for item in wanted):
                image.draft("RGB", (largest, largest))
            upright = _upright_rgb(image)
            for item in sorted(wanted, key=lambda each: -each.planned.width):
                if item.crop is None:
                    resized = _resize(upright, item.planned, rendition_set.square)
                else:
                    resized = focal_crop(
                        upright,
                        size=(item.planned.width, item.planned.height),
                        focal_x=focal[0] / 100,
                        focal_y=focal[1] / 100,
                    )
                    resized.info = {}
                _write(storage, item.name, _encode(resized, item.pillow_format, item.options))
                written.append(item.name)
    if rendition_set.crops and focal is not None:
        _remove_other_crops(storage, original, rendition_set, focal)
    return written


def _crops_present(storage: Storage, original: str) -> list[tuple[str, Focal]]:
    try:
        _dirs, present = storage.listdir(rendition_dir(original))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for filename in present:
        if match := _CROP_FILE.fullmatch(filename):
            found.append((filename, (int(match["x"]), int(match["y"]))))
    return found


def _remove_other_crops(storage, original, rendition_set, focal: Focal) -> None:
    for filename, their_focal in _crops_present(storage, original):
        if their_focal != focal:
            with contextlib.suppress(OSError):
                storage.delete(posixpath.join(rendition_dir(original), filename))


def renditions_missing(
    *,
    storage: Storage,
    original: str,
    rendition_set: RenditionSet,
    width,
    height,
    focal: Focal = CENTRE,
) -> bool:
    """Whether any rendition the plan (from the row's dimensions and focal point) names is
    absent, or a crop of another focal point is left over: one directory listing, no file
    opened."""
    wanted = {
        posixpath.basename(item.name)
        for item in _all_wanted(original, rendition_set, width, height, focal)
    }
    try:
        _dirs, present = storage.listdir(rendition_dir(original))
    except (FileNotFoundError, NotADirectoryError):
        present = []
    stale = any(
        (match := _CROP_FILE.fullmatch(filename)) and (int(match["x"]), int(match["y"])) != focal
        for filename in present
    )
    return not wanted or not wanted <= set(present) or stale


def rendition_set_for(original_name: str) -> RenditionSet | None:
    """The rendition set of an original, from the folder it is stored in."""
    folder = original_name.split("/", 1)[0]
    return next((each for each in RENDITION_SETS if each.folder == folder), None)


_PERCENT = "(?:100|[1-9]?[0-9])"
_CROP_NAMES = "|".join(crop.name for crop in CROPS)
_CROP_FILE = re.compile(
    rf"(?P<crop>{_CROP_NAMES})-f(?P<x>{_PERCENT})x(?P<y>{_PERCENT})-[1-9][0-9]{{0,4}}w\.[a-z]+"
)
_RENDITION_NAME = re.compile(
    rf"{RENDITIONS_DIR}/(?P<original>[^\x00]+\.(?i:{'|'.join(sorted(ALLOWED_EXTENSIONS))}))"
    rf"/(?:(?P<crop>{_CROP_NAMES})-f(?P<x>{_PERCENT})x(?P<y>{_PERCENT})-)?"
    rf"(?P<label>[1-9][0-9]{{0,4}})w\.(?P<extension>{'|'.join(ext for ext, *_ in FORMATS)})"
)


def rendition_heal(*, storage: Storage, name: str) -> bool:
    """Make a missing rendition now, if `name` is one that would have been made: a
    well-formed rendition name, of an original that exists, in a size its set makes. Return
    whether it exists now. For a rendition that the commit never got to (a process killed
    in between), or one removed by hand; anything else is left alone, so the caller's 404
    stands, whatever a stranger puts in the address.

    A crop names its focal point, which only the story's row knows: one is made only while
    the photo has no crop at another point (its commit never got to the crops), so a
    stranger cannot have a crop made at every point of the grid."""
    match = _RENDITION_NAME.fullmatch(name)
    if match is None:
        return _icon_heal(storage=storage, name=name)
    original = match["original"]
    if any(part in {"", "."} or part.startswith(".") for part in original.split("/")):
        return False  # no "..", no hidden files, no empty segments
    rendition_set = rendition_set_for(original)
    if rendition_set is None:
        return False
    focal = (int(match["x"]), int(match["y"])) if match["crop"] else None
    try:
        width, height = oriented_size_of_stored(storage, original)  # None when it is gone
        if not width:
            return False
        label, extension = int(match["label"]), match["extension"]
        if focal is None:
            if label not in {
                planned.label for planned in rendition_plan(rendition_set, width, height)
            }:
                return False
            present = {their for _name, their in _crops_present(storage, original)}
            focal = next(iter(present)) if len(present) == 1 else None
        else:
            crop = next((each for each in rendition_set.crops if each.name == match["crop"]), None)
            if crop is None or extension not in crop.extensions:
                return False
            if label not in {planned.label for planned in crop_plan(crop, width, height, focal)}:
                return False
            if any(their != focal for _name, their in _crops_present(storage, original)):
                return False
        renditions_make(
            storage=storage, original=original, rendition_set=rendition_set, focal=focal
        )
    except Exception:  # e.g. an original that does not decode: a 404, never a 500
        logger.exception("Could not make the renditions of %s", original)
        return False
    return True


def oriented_size_of_stored(storage: Storage, name: str) -> tuple[int | None, int | None]:
    try:
        with storage.open(name, "rb") as file:
            return oriented_size(file)
    except OSError:
        return None, None


def renditions_generate_on_commit(
    *, field_file: FieldFile, rendition_set: RenditionSet, focal: Focal = CENTRE
) -> None:
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
        renditions_generate(field_file=field_file, rendition_set=rendition_set, focal=focal)

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


# --- Crops around a focal point ---------------------------------------------------------


def focal_crop_box(
    width: int, height: int, *, aspect: tuple[int, int], focal_x: float, focal_y: float
) -> tuple[int, int, int, int]:
    """The largest box of ratio `aspect` inside a `width` x `height` image, as Pillow's
    (left, top, right, bottom), centred on the focal point (fractions of the width and height
    from the top left) and moved back inside the image where it would cross an edge."""
    if width <= 0 or height <= 0:
        raise ValueError("an image has a positive width and height")
    ratio_w, ratio_h = aspect
    focal_x = min(max(focal_x, 0.0), 1.0)
    focal_y = min(max(focal_y, 0.0), 1.0)
    # Full width if the image is taller than the aspect, else full height.
    if width * ratio_h <= height * ratio_w:
        box_w, box_h = width, max(1, min(height, round(width * ratio_h / ratio_w)))
    else:
        box_w, box_h = max(1, min(width, round(height * ratio_w / ratio_h))), height
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def focal_crop(
    image: Image.Image, *, size: tuple[int, int], focal_x: float, focal_y: float
) -> Image.Image:
    """`image` cropped around the focal point to the ratio of `size`, then scaled to it."""
    box = focal_crop_box(*image.size, aspect=size, focal_x=focal_x, focal_y=focal_y)
    return image.resize(size, Image.Resampling.LANCZOS, box=box)


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
    share_name: str  # the same file's storage name


def picture(
    field_file: FieldFile,
    rendition_set: RenditionSet,
    *,
    width: int | None = None,
    height: int | None = None,
) -> Picture | None:
    """The photo whole, at the set's widths (the article page's figure, the admin's
    thumbnails)."""
    if not field_file:
        return None
    plan = rendition_plan(rendition_set, width, height)
    return _picture(field_file, plan, lambda label, extension: f"{label}w.{extension}")


def cropped_picture(
    field_file: FieldFile,
    crop: Crop,
    *,
    width: int | None,
    height: int | None,
    focal: Focal,
) -> Picture | None:
    """The photo cut to the crop's ratio around its focal point (cards, shared links, feeds)."""
    if not field_file:
        return None
    plan = crop_plan(crop, width, height, focal)
    return _picture(
        field_file,
        plan,
        lambda label, extension: crop_file_name(crop, focal, label, extension),
        extensions=crop.extensions,
    )


def _picture(field_file, plan, file_name, *, extensions=("webp", "jpg")) -> Picture | None:
    if not plan:
        return None
    # Renditions sit side by side in one directory: its address is asked of the storage once
    # (seven url() calls per card were a tenth of a cold home page's render).
    folder = rendition_dir(field_file.name)
    directory = field_file.storage.url(folder + "/")

    def url(label: int, extension: str) -> str:
        return f"{directory}{file_name(label, extension)}"

    responsive = "webp" if "webp" in extensions else "jpg"
    srcset = ", ".join(f"{url(planned.label, responsive)} {planned.width}w" for planned in plan)

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
        share_name=posixpath.join(folder, file_name(largest.label, "jpg")),
    )


def share_length(field_file: FieldFile, picture: Picture) -> int | None:
    """The size in bytes of the file `picture.share_src` points at, for a feed enclosure: 0
    while it is still to be made (the first request for it makes it), None if the original
    itself is gone."""
    storage = field_file.storage
    try:
        return storage.size(picture.share_name)
    except OSError:
        return 0 if storage.exists(field_file.name) else None


# --- Images inside article bodies ---------------------------------------------------------

BODY_IMAGE_MAX_WIDTH = 1600
BODY_IMAGES_DIR = "uploads"


def body_image_store(*, upload, storage: Storage) -> str:
    """Store an image uploaded inside the rich-text editor; return its storage name.

    The body links to this file (the fallback of a browser that takes no `srcset`), so what
    is stored is the clean copy (see `image_clean`), no wider than the article column needs
    (animations keep their size), under a random name. Its renditions are made at once: the
    article page offers them (`body_pictures`) without checking that they exist.
    """
    clean = image_clean(upload, max_width=BODY_IMAGE_MAX_WIDTH, quality=BODY_IMAGE_QUALITY)
    name = storage.save(random_name(BODY_IMAGES_DIR, clean.extension), ContentFile(clean.content))
    if not _is_animated_name(storage, name):
        renditions_make(storage=storage, original=name, rendition_set=BODY, focal=None)
    return name


def _is_animated_name(storage: Storage, name: str) -> bool:
    try:
        with storage.open(name, "rb") as file, Image.open(file) as image:
            return _is_animation(image)
    except (OSError, SyntaxError, ValueError):
        return False


_IMG_TAG = re.compile(r"<img\b[^>]*>")
_IMG_ATTRIBUTE = re.compile(r'\s([a-z-]+)(?:="([^"]*)")?')
BODY_SIZES = "(min-width: 46rem) 46rem, 100vw"  # the article column, as the lead photo's


def _own_body_image(src: str) -> str | None:
    """The storage name of a photo uploaded inside the editor, from its address in a body."""
    media = urlsplit(settings.MEDIA_URL).path
    path = unquote(urlsplit(unescape(src)).path)
    if not path.startswith(media):
        return None
    name = path[len(media) :]
    if not name.startswith(BODY_IMAGES_DIR + "/") or ".." in name.split("/"):
        return None
    return name


def _img_attributes(tag: str) -> dict[str, str | None]:
    return dict(_IMG_ATTRIBUTE.findall(tag.removesuffix("/>")[4:]))


def _img_tag(attributes: dict) -> str:
    return "<img" + "".join(f' {k}="{v}"' for k, v in attributes.items()) + ">"


def body_images_sized(html: str, *, storage: Storage) -> str:
    """At save: each photo uploaded inside the editor gets its stored width and height (the
    article page sizes its renditions from them without opening a file, and the layout
    does not jump while it loads). The body comes cleaned (`sanitize.clean_body`): its
    attributes are quoted and escaped one way."""
    if "<img" not in html:
        return html

    def sized(match):
        attributes = _img_attributes(match.group(0))
        name = _own_body_image(attributes.get("src") or "")
        if name is None:
            return match.group(0)
        width, height = oriented_size_of_stored(storage, name)
        if not width or _is_animated_name(storage, name):
            return match.group(0)  # an animation is served as stored, its frames all there
        attributes["width"], attributes["height"] = str(width), str(height)
        return _img_tag(attributes)

    return _IMG_TAG.sub(sized, html)


def body_pictures(html: str, *, storage: Storage) -> str:
    """At render: photos inside a body served as lead photos are, from what the body says
    alone (no query, no file opened): the renditions as `srcset` for the column's width,
    `width` and `height`, and loaded lazily. A photo not uploaded in the editor, an
    animation, or one stored before sizes were recorded, keeps its address and is only
    loaded lazily."""
    if "<img" not in html:
        return html

    def responsive(match):
        attributes = _img_attributes(match.group(0))
        attributes.pop("loading", None)
        attributes.pop("decoding", None)
        name = _own_body_image(attributes.get("src") or "")
        plan = []
        if name is not None:  # sized at save only when it is a still photo
            try:
                width, height = int(attributes.get("width")), int(attributes.get("height"))
            except (TypeError, ValueError):
                width = height = None
            plan = rendition_plan(BODY, width, height)
        attributes["loading"], attributes["decoding"] = "lazy", "async"
        if not plan:
            return _img_tag(attributes)
        directory = storage.url(rendition_dir(name) + "/")
        webp = ", ".join(f"{directory}{p.label}w.webp {p.width}w" for p in plan)
        attributes["srcset"] = ", ".join(f"{directory}{p.label}w.jpg {p.width}w" for p in plan)
        attributes["sizes"] = BODY_SIZES
        return (
            f'<picture><source type="image/webp" srcset="{webp}" sizes="{BODY_SIZES}">'
            f"{_img_tag(attributes)}</picture>"
        )

    return _IMG_TAG.sub(responsive, html)


def body_images(storage: Storage, folder: str = BODY_IMAGES_DIR):
    """The name of every stored image inside articles, old dated folders included."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for filename in sorted(files):
        if not filename.startswith("."):  # a write in progress (see `_write`)
            yield posixpath.join(folder, filename)
    for subfolder in sorted(folders):
        yield from body_images(storage, posixpath.join(folder, subfolder))


# --- The paper's logo and icon --------------------------------------------------------------

# Raster only: an SVG is a document that may carry scripts, event handlers and links to other
# hosts, run whenever its address is opened. No maintained Python sanitizer for SVG ships with
# the libraries we pin, and the icons are made as PNG anyway, so an SVG is refused with a way out.
_SVG_EXTENSIONS = {"svg", "svgz"}
_SVG_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:\?xml|svg|!DOCTYPE\s+svg|!--)", re.IGNORECASE)


def _svg_refused() -> ValidationError:
    return _refuse(
        "ملفات SVG غير مقبولة للوغو والأيقونة: قد تحمل نصوصًا برمجية تعمل في متصفح القارئ. "
        "صدّر الملف من برنامج التصميم بصيغة PNG (بخلفية شفافة إن شئت) ثم ارفعه.",
        "svg",
    )


def _looks_like_svg(upload) -> bool:
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        start = upload.read(256)
    finally:
        upload.seek(position)
    return isinstance(start, bytes) and bool(_SVG_START.match(start))


def validate_brand_upload(upload, *, name: str | None = None) -> ImageFacts:
    """A logo or an icon: a photo's checks (`validate_image_upload`), after refusing an SVG
    with its own message, whatever the file is called."""
    name = name or getattr(upload, "name", "") or ""
    if posixpath.splitext(name)[1].lstrip(".").lower() in _SVG_EXTENSIONS:
        raise _svg_refused()
    unchecked = getattr(upload, _ACCEPTED, None) is None and getattr(upload, "size", 0)
    if unchecked and _looks_like_svg(upload):
        raise _svg_refused()
    return validate_image_upload(upload, name=name)


ICON_MIN_SIZE = 192  # the smallest icon a phone's home screen takes, and our smallest upload


def validate_icon_upload(upload, *, name: str | None = None) -> ImageFacts:
    """An icon: a brand image at least ICON_MIN_SIZE pixels on its longer side (a smaller one
    would be blurred on a phone's home screen)."""
    facts = validate_brand_upload(upload, name=name)
    if max(facts.width, facts.height) < ICON_MIN_SIZE:
        raise _refuse(
            f"الأيقونة صغيرة ({facts.width}×{facts.height} بكسل): أقل مقاس مقبول "
            f"{ICON_MIN_SIZE}×{ICON_MIN_SIZE} بكسل، والأفضل 512×512. "
            "صدّرها بمقاس أكبر ثم أعد رفعها.",
            "icon_too_small",
        )
    return facts


def _validate_new(validate):
    def validator(value) -> None:
        if not value or getattr(value, "_committed", True):
            return
        validate(value.file, name=value.name)

    return validator


validate_new_brand_image = _validate_new(validate_brand_upload)
validate_new_icon = _validate_new(validate_icon_upload)


class BrandImageFormField(NewsImageFormField):
    """The masthead's logo input: an SVG is named as such before the photo checks run."""

    check_upload = staticmethod(validate_brand_upload)

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            self.check_upload(data)
        return super().to_python(data)


class IconFormField(BrandImageFormField):
    check_upload = staticmethod(validate_icon_upload)


class BrandImageField(NewsImageField):
    """The logo: a `NewsImageField` (clean copy, random name) that names a refused SVG."""

    default_validators = [*models.ImageField.default_validators, validate_new_brand_image]
    form_class = BrandImageFormField

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class IconField(BrandImageField):
    """The site icon: a brand image no smaller than ICON_MIN_SIZE; its PNG renditions are
    made after the row is committed (`icons_generate_on_commit`)."""

    default_validators = [*models.ImageField.default_validators, validate_new_icon]
    form_class = IconFormField


# The icon's renditions, all square PNG (the upload padded with transparency, never cropped):
# the browser tab's, the phone home screen's (Apple's, on white: iOS shows transparency as
# black) and the web app manifest's.
ICONS_DIR = "icons"
ICON_SIZES = {"tab": 32, "apple": 180, "app": 192, "large": 512}
ICON_OPAQUE = {"apple"}


def icon_file_name(size: int) -> str:
    return f"icon-{size}.png"


def icon_name(original_name: str, size: int) -> str:
    return posixpath.join(rendition_dir(original_name), icon_file_name(size))


def icon_urls(field_file: FieldFile) -> dict[str, str]:
    """The address of each icon rendition by its use (`ICON_SIZES`), without touching storage;
    empty when there is no icon."""
    if not field_file:
        return {}
    directory = field_file.storage.url(rendition_dir(field_file.name) + "/")
    return {use: f"{directory}{icon_file_name(size)}" for use, size in ICON_SIZES.items()}


def icons_make(*, storage: Storage, original: str, force: bool = False) -> list[str]:
    """Make the icon's PNG renditions it lacks (all with `force`); return the names written."""
    wanted = {
        use: icon_name(original, size)
        for use, size in ICON_SIZES.items()
        if force or not storage.exists(icon_name(original, size))
    }
    if not wanted:
        return []
    with storage.open(original, "rb") as source, Image.open(source) as image:
        upright = _upright_rgb(image).convert("RGBA")
    side = max(upright.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(upright, ((side - upright.width) // 2, (side - upright.height) // 2))
    written = []
    for use, name in wanted.items():
        size = ICON_SIZES[use]
        icon = square.resize((size, size), Image.Resampling.LANCZOS)
        if use in ICON_OPAQUE:
            background = Image.new("RGB", icon.size, (255, 255, 255))
            background.paste(icon, mask=icon.getchannel("A"))
            icon = background
        buffer = io.BytesIO()
        icon.save(buffer, format="PNG", optimize=True)
        _write(storage, name, buffer.getvalue())
        written.append(name)
    return written


def icons_generate_on_commit(*, field_file: FieldFile) -> None:
    """After the row is committed, make the icon renditions still missing (as
    `renditions_generate_on_commit` does for photos)."""
    if not field_file:
        return
    name = field_file.name

    def generate():
        if field_file.name != name:
            return
        icons_make(storage=field_file.storage, original=name)

    transaction.on_commit(generate, robust=True)


_ICON_RENDITION_NAME = re.compile(
    rf"{RENDITIONS_DIR}/(?P<original>{ICONS_DIR}/[0-9a-f]{{32}}\.(?:{'|'.join(sorted(ALLOWED_EXTENSIONS))}))"
    rf"/icon-(?P<size>{'|'.join(str(size) for size in ICON_SIZES.values())})\.png"
)


def _icon_heal(*, storage: Storage, name: str) -> bool:
    """`rendition_heal` for the icon's renditions: only the sizes made, of an icon stored."""
    match = _ICON_RENDITION_NAME.fullmatch(name)
    if match is None or not storage.exists(match["original"]):
        return False
    try:
        icons_make(storage=storage, original=match["original"])
    except Exception:  # an original that does not decode: a 404, never a 500
        logger.exception("Could not make the icons of %s", match["original"])
        return False
    return True
