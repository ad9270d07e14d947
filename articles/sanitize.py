"""Server-side cleaning of rich text: whatever the browser sends, readers get safe HTML.

`Article.save()` calls `clean_body()` on every save path (admin, importer, shell, any API), so
this allowlist is the paper's real defence; the editor's own filter (articles/admin/richtext.py)
only keeps editors from writing what would be removed here.

Allowed: paragraphs, headings h2-h4, emphasis, links (http, https, mailto, tel; each gets
rel="noopener noreferrer"), lists, block quotes, figures with captions, images served from our
own media, simple tables, and embeds (iframes) from `NEWSROOM_EMBED_SOURCES` only, sandboxed;
a direction (`dir`: ltr, rtl or auto) on paragraphs, quotes and divisions, a language anywhere.
A caption still reading the editor's placeholder is removed. Everything else goes: scripts
and styles with their content, event handlers, style attributes,
classes (except the editor's figure marker), forms, objects, data:/javascript: URLs, srcdoc.
"""

import posixpath
import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "div", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "a",
    "ul", "ol", "li", "blockquote", "figure", "figcaption", "img",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "hr",
    "iframe",
}  # fmt: skip
# What every embed carries, whatever it arrived with: scripts for the player, but no
# top-level navigation, no forms, no downloads, no access to our pages.
EMBED_ATTRIBUTES = {
    "sandbox": "allow-scripts allow-same-origin allow-popups allow-presentation",
    "loading": "lazy",
    "referrerpolicy": "strict-origin-when-cross-origin",
}
# A paragraph's direction, for a quote in English inside Arabic copy (the editor's
# left-to-right and right-to-left buttons): on these blocks only, with these values only.
DIRECTION_TAGS = ("p", "blockquote", "div")
DIRECTIONS = {"ltr", "rtl", "auto"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "iframe": {"src", "width", "height", "title", "allowfullscreen", *EMBED_ATTRIBUTES},
    **{tag: {"dir"} for tag in DIRECTION_TAGS},
    "*": {"lang"},
}
ALLOWED_CLASSES = {"figure": {"image"}}  # CKEditor's captioned image (image2)
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed with everything inside them, not just unwrapped.
CLEAN_CONTENT_TAGS = {"script", "style", "noscript", "template", "object", "embed", "svg", "math"}

_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def _normalized_url(value: str) -> str:
    """The URL as a browser reads it: tabs and newlines dropped, controls trimmed."""
    for character in "\t\n\r":
        value = value.replace(character, "")
    return value.strip(_C0_AND_SPACE)


def _normalized_path(path: str) -> str:
    path = unquote(path).replace("\\", "/")
    return posixpath.normpath(path) if path else "/"


def is_own_media_url(value: str) -> bool:
    """An image the paper serves itself: under MEDIA_URL, written in full or as its path."""
    media = urlsplit(settings.MEDIA_URL)
    source = urlsplit(_normalized_url(value))
    if source.scheme or source.netloc:
        if not media.netloc or (source.scheme, source.netloc) != (media.scheme, media.netloc):
            return False
    elif media.netloc or not source.path.startswith("/"):
        return False  # a page-relative path resolves against the article's address, not media
    media_path = "/" + media.path.strip("/") + "/"
    path = _normalized_path(source.path)
    return path.startswith(media_path) and not path.startswith("//")


def is_allowed_embed(value: str) -> bool:
    """An HTTPS address under one of `NEWSROOM_EMBED_SOURCES` (host + path prefix)."""
    source = urlsplit(_normalized_url(value))
    if source.scheme != "https" or not source.hostname or source.username or source.password:
        return False
    try:
        if source.port not in (None, 443):
            return False
    except ValueError:
        return False
    address = f"{source.hostname}{_normalized_path(source.path)}"
    return any(
        address.startswith(allowed.rstrip("/") + "/") for allowed in settings.NEWSROOM_EMBED_SOURCES
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "dir":
        direction = value.strip().lower()
        return direction if direction in DIRECTIONS else None
    if tag == "img" and attribute == "src":
        return value if is_own_media_url(value) else None
    if tag == "iframe":
        if attribute == "src":
            return value if is_allowed_embed(value) else None
        if attribute in EMBED_ATTRIBUTES:
            return EMBED_ATTRIBUTES[attribute]
    return value


def _nh3(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        allowed_classes=ALLOWED_CLASSES,
        strip_comments=True,
    )


class _TidyMedia(HTMLParser):
    """A pass over nh3's (well-formed) output that nh3 cannot do itself: drop images and
    embeds whose source was refused, drop embed fallback content, and give every embed the
    same sandbox. Its output goes through nh3 again, so a mistake here cannot open a hole."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.inside_embed = False

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.set_cdata_mode("iframe")  # its content is raw text; skip it whole
            self.inside_embed = True
            values = dict(attrs)
            if values.get("src"):
                kept = [(k, v) for k, v in attrs if k not in EMBED_ATTRIBUTES]
                kept += list(EMBED_ATTRIBUTES.items())
                rendered = "".join(
                    f' {k}="{escape(v or "", quote=True)}"' if v is not None else f" {k}"
                    for k, v in kept
                )
                self.parts.append(f"<iframe{rendered}></iframe>")
            return
        if tag == "img" and not dict(attrs).get("src"):
            return
        self.parts.append(self.get_starttag_text())

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "iframe":
            self.inside_embed = False
            self.clear_cdata_mode()
            return
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.inside_embed:
            self.parts.append(data)

    def handle_entityref(self, name):
        self.parts.append(f"&{name};")

    def handle_charref(self, name):
        self.parts.append(f"&#{name};")


def _tidy_media(html: str) -> str:
    if "<img" not in html and "<iframe" not in html:
        return html
    parser = _TidyMedia()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


# What CKEditor's captioned image (image2) writes under a photo until the editor types a
# caption (its Arabic interface, and its English one): never shown to readers.
CAPTION_PLACEHOLDERS = ("تسمية", "Caption")
_PLACEHOLDERS = "|".join(re.escape(text) for text in CAPTION_PLACEHOLDERS)
_PLACEHOLDER_CAPTION = re.compile(
    rf"<figcaption(?:\s[^>]*)?>\s*(?:{_PLACEHOLDERS})\s*</figcaption>"
)


def _drop_placeholder_captions(html: str) -> str:
    """Remove a caption still reading the editor's placeholder (nh3's output is canonical, so
    an untouched one always looks the same); the photo stays, uncaptioned."""
    if "<figcaption" not in html:
        return html
    return _PLACEHOLDER_CAPTION.sub("", html)


def clean_body(html: str) -> str:
    return _nh3(_tidy_media(_drop_placeholder_captions(_nh3(html or ""))))


_BLOCK_TAG = "|".join(
    sorted(ALLOWED_TAGS - {"strong", "b", "em", "i", "u", "s", "a", "img"}, key=len, reverse=True)
)
# HTML's white space only: a no-break or thin space is part of the copy.
_SPACE_AROUND_BLOCK = re.compile(rf"[ \t\n\r\f]*(</?(?:{_BLOCK_TAG})\b[^>]*>)[ \t\n\r\f]*")
_SPACES = re.compile(r"[ \t\n\r\f]+")


def normalized_body(html: str) -> str:
    """The body as a reader's browser renders it, for telling a real edit from a new spelling
    of the same copy: cleaned (entities, attribute order and quotes made canonical), runs of
    white space made one, and white space around block elements (which shows nothing) gone.
    CKEditor writes untouched copy again with its own line breaks and entities."""
    cleaned = _SPACES.sub(" ", clean_body(html))
    return _SPACE_AROUND_BLOCK.sub(r"\1", cleaned).strip(" ")


_MEDIA_ELEMENT = re.compile(r"<(img|iframe)\b", re.IGNORECASE)


def has_reader_content(html: str) -> bool:
    """Whether cleaned HTML still shows a reader anything: text, a picture or an embed."""
    return bool(strip_tags(html).strip()) or bool(_MEDIA_ELEMENT.search(html))


# The body's words and reading time, as the article form's counters show them
# (articles/static/articles/admin/counters.js follows the same rule and speed) and JSON-LD
# states them: tags become spaces, entities are decoded, and a word is a run without spaces
# that holds a letter or a digit (a dash or a lone punctuation mark is not a word).
WORDS_PER_MINUTE = 200
_TAG = re.compile(r"<[^>]*>")
# A run without spaces made only of punctuation and underscores: not a word (`\w` less `_` is
# `str.isalnum`).
_NOT_A_WORD = re.compile(r"(?<!\S)(?:[^\w\s]|_)+(?!\S)")


def body_word_count(html: str) -> int:
    text = unescape(_TAG.sub(" ", html or ""))
    return len(text.split()) - len(_NOT_A_WORD.findall(text))


def reading_minutes(words: int) -> int:
    """Whole minutes, at least one for any copy; none for none."""
    return -(-words // WORDS_PER_MINUTE) if words else 0
