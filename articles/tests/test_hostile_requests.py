"""No request a stranger can make answers 500: every public address, hostile values, any method.

The addresses come from the URL resolver itself (plus the static files WhiteNoise serves before
it), so a pattern added later is fuzzed without anyone listing it here. Hypothesis fills each
parameter with hostile text, sends it with any HTTP method, a hostile query string, body and
headers, as an anonymous stranger would, and asserts the answer is never 5xx, every error page
with a body is Arabic, and no redirect leaves the site.
"""

import re
import string
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from articles import preview
from articles.converters import MAX_ID, RowIdConverter
from articles.models import Tag
from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory, jpeg_upload

pytestmark = pytest.mark.django_db

# Staff-only prefixes: fuzzed for an anonymous visitor in a test of their own, with fewer tries.
STAFF_PREFIXES = ("admin/", "ckeditor/")
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "BREW"]
ARABIC = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True)
class Address:
    """One URL pattern as a format string: `article/%(pk)s/%(slug)s/` and its parameters."""

    template: str
    params: tuple[str, ...]
    numeric: frozenset[str]  # parameters whose converter takes only digits

    def __str__(self):
        return "/" + self.template


def _bare(regex: str) -> str:
    return regex.removeprefix("^").removesuffix("\\Z").removesuffix("$")


def _addresses(patterns, prefix="", converters=None):
    for pattern in patterns:
        regex = prefix + _bare(pattern.pattern.regex.pattern)
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            yield from _addresses(pattern.url_patterns, regex, found)
        elif isinstance(pattern, URLPattern):
            for template, params in normalize(regex):
                numeric = {
                    name
                    for name, converter in found.items()
                    if isinstance(converter, RowIdConverter) or converter.regex == "[0-9]+"
                }
                yield Address(template, tuple(params), frozenset(numeric & set(params)))


def all_addresses() -> list[Address]:
    addresses = list(dict.fromkeys(_addresses(get_resolver().url_patterns)))
    # Served by WhiteNoise's middleware before any URL pattern is tried.
    addresses.append(Address("static/%(path)s", ("path",), frozenset()))
    return addresses


ADDRESSES = all_addresses()
PUBLIC = [a for a in ADDRESSES if not a.template.startswith(STAFF_PREFIXES)]
STAFF_ONLY = [a for a in ADDRESSES if a.template.startswith(STAFF_PREFIXES)]


# Hostile values ---------------------------------------------------------------------------------

# Hazards by kind, so that each kind is drawn often rather than one character in hundreds.
CONTROLS = "\x00\x01\x08\x1b\x7f\t\r\n"
BIDI = "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ufeff"
MARKUP = "<>\"'&;=+%?#/\\. \u0640\u064b\ufffd"
# Written as a stranger sends them on the wire: already percent-encoded, often wrongly.
RAW_ESCAPES = [
    "%",
    "%%",
    "%2",
    "%ZZ",
    "%zz",
    "%00",
    "%0a",
    "%2F",
    "%2f..%2f",
    "%252F",
    "%25",
    "%C0%AF",  # overlong "/"
    "%C0%80",  # overlong NUL
    "%E0%80%AF",
    "%F0%80%80%AF",
    "%ED%A0%80",  # a lone surrogate, UTF-8 style
    "%ED%B0%80",
    "%FF%FE",
    "%C3",  # cut in the middle of a character
    "%D8%A7%D9",
    "%E2%80%AE",  # RIGHT-TO-LEFT OVERRIDE
    "%u202E",
    "..",
    "../..",
    "%2e%2e%2f",
    "//",
    "/\\evil.example",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "00000000000000000000001",
    str(MAX_ID),
    str(MAX_ID + 1),
    str(2**64),
    "9" * 20,
    "9" * 400,
    f"-{MAX_ID + 1}",
    "1e309",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits, which Python's int() accepts
    "۱۲۳",
    "１２３",  # full-width digits
    " 1",
]

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءآأإؤئ"
hazard = st.one_of(
    st.sampled_from(CONTROLS),
    st.sampled_from(BIDI),
    st.sampled_from(MARKUP),
    st.characters(categories=["Cs"]),  # lone surrogates, sent as their UTF-8-style bytes
    st.characters(codec="utf-8"),
)
plain = st.text(alphabet=ARABIC_LETTERS + string.ascii_lowercase + "-", max_size=12)
# Hazards in an otherwise ordinary value: the shape that reaches a view (and its database
# query) rather than failing to match the address at all.
spliced = st.tuples(plain, st.lists(hazard, min_size=1, max_size=3).map("".join), plain).map(
    "".join
)
any_text = st.text(alphabet=st.one_of(hazard, st.sampled_from(ARABIC_LETTERS)), max_size=40)
long_text = st.builds(lambda piece, times: piece * times, spliced, st.integers(50, 300))
integers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=1, max_value=3000).map(lambda digits: "7" * digits),
)


def wire(value: str) -> str:
    """`value` percent-encoded as a client would send it; lone surrogates go out as the bytes
    UTF-8 would give them, which is not valid UTF-8."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def hostile(*, numeric: bool = False):
    """A value as it arrives on the wire: properly percent-encoded, or with malformed escapes
    spliced in, or a number no column holds."""
    texts = st.one_of(spliced, any_text, long_text)
    return st.one_of(
        integers,
        *([] if numeric else [texts.map(wire), spliced.map(wire), spliced.map(wire)]),
        st.tuples(plain.map(wire), st.sampled_from(RAW_ESCAPES), plain.map(wire)).map("".join),
        st.sampled_from(RAW_ESCAPES),
    )


@st.composite
def parameter(draw, name: str, numeric: bool, real: dict):
    known = real.get(name, [])
    choice = draw(st.integers(0, 9))
    if known and choice < 2:
        return wire(draw(st.sampled_from(known)))
    if known and choice < 4:
        return wire(draw(st.sampled_from(known))) + draw(hostile())
    return draw(hostile(numeric=numeric))


@st.composite
def query_string(draw) -> str:
    keys = st.one_of(
        st.sampled_from(["q", "page", "p", "token", "o", "e", "_changelist_filters", "next"]),
        spliced.map(wire),
    )
    values = hostile()
    pairs = draw(st.lists(st.tuples(keys, values), max_size=4))
    query = "&".join(f"{key}={value}" for key, value in pairs)
    return draw(st.sampled_from(["", "?", "?" + query, "?" + query + "&&=&%"]))


@st.composite
def body(draw) -> tuple[bytes, str]:
    content_type = draw(
        st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "application/json",
                "text/plain; charset=utf-8",
                "application/x-www-form-urlencoded; charset=latin-7",
                "\u202e/\x00",
            ]
        )
    )
    payload = draw(
        st.one_of(
            st.binary(max_size=300),
            any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.just(b'--xyz\r\nContent-Disposition: form-data; name="upload"; filename="a'),
            st.just(b'{"q": "\\ud800", "page": 99999999999999999999}'),
        )
    )
    return payload, content_type


@st.composite
def headers(draw) -> dict:
    values = hostile()
    chosen = {}
    for header in (
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_COOKIE",
        "HTTP_RANGE",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_FOR",
    ):
        if draw(st.booleans()):
            # As a WSGI server hands header bytes to Django: each byte one latin-1 character.
            chosen[header] = draw(values).encode("utf-8", "surrogatepass").decode("latin-1")
    return chosen


# The paper the strangers knock at ---------------------------------------------------------------


@pytest.fixture
def real_values(masthead, section, media_in_tmp, desk_editor):
    """Existing rows, so hostile values are also tried next to real ones (a real id with a
    mangled slug, a real token with bytes after it)."""
    editor = EditorFactory(name="كاتب الاختبار")
    published = ArticleFactory(section=section, authors=[editor])
    published.lead_image.save("photo.jpg", ContentFile(jpeg_upload().read()))
    published.tags.add("الاقتصاد")
    draft = ArticleFactory(section=SectionFactory(name="قسم ثان"), draft=True)
    _, path = preview.share_link_create(article=draft, by=desk_editor)
    return {
        "pk": [str(published.pk), str(draft.pk)],
        "slug": [published.slug, section.slug, editor.slug, Tag.objects.get().slug],
        "section": ["articles", "sections", "editors"],
        "token": [path.rstrip("/").rsplit("/", 1)[1]],
        "path": [published.lead_image.name, "articles/site.css"],
    }


@pytest.fixture(scope="module")
def strangers():
    """Two clients for the whole module (each new client loads the middleware again, and
    WhiteNoise reads every static file then). Half the strangers carry a CSRF-checked session as
    browsers do; half are scripts the test client lets past CSRF, so that the views' own
    handling of a POST is reached too."""
    return {
        checked: Client(raise_request_exception=False, enforce_csrf_checks=checked)
        for checked in (True, False)
    }


def send(client: Client, address: Address, data) -> tuple:
    values = {
        name: data.draw(parameter(name, name in address.numeric, data.real))
        for name in address.params
    }
    path = "/" + address.template % values + data.draw(query_string())
    method = data.draw(st.sampled_from(METHODS))
    payload, content_type = data.draw(body()) if method not in ("GET", "HEAD") else (b"", "")
    extra = data.draw(headers())
    client.cookies.clear()  # each stranger comes without what the last one was given
    response = client.generic(method, path, payload, content_type or "text/plain", **extra)
    return method, path, response


def assert_answered_like_a_newspaper(method: str, path: str, response):
    where = f"{method} {path[:300]!r} -> {response.status_code}"
    assert response.status_code < 500, where
    if 300 <= response.status_code < 400 and "Location" in response:
        target = urlsplit(response["Location"])
        assert target.netloc in ("", "testserver"), f"{where} redirects off the site"
    body = b"" if method == "HEAD" or response.streaming else response.content
    if 400 <= response.status_code < 500 and body and "html" in response.get("Content-Type", ""):
        page = body.decode("utf-8", "replace")
        assert 'lang="ar"' in page or ARABIC.search(page), f"{where}: not an Arabic page"


class Draws:
    """Hypothesis's `data()` with the paper's real values at hand."""

    def __init__(self, data, real):
        self._data, self.real = data, real

    def draw(self, strategy):
        return self._data.draw(strategy)


FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    # No shrinking: each example is a request, and shrinking one can take minutes. The failing
    # request is in the assertion's message as it was sent.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("address", PUBLIC, ids=str)
@FUZZ
@given(data=st.data())
def test_no_public_address_answers_a_hostile_request_with_a_server_error(
    address, data, real_values, strangers
):
    client = strangers[data.draw(st.booleans())]
    method, path, response = send(client, address, Draws(data, real_values))
    assert_answered_like_a_newspaper(method, path, response)


@pytest.mark.parametrize("address", STAFF_ONLY, ids=str)
@settings(FUZZ, max_examples=3)
@given(data=st.data())
def test_no_staff_address_answers_an_anonymous_hostile_request_with_a_server_error(
    address, data, real_values, strangers
):
    method, path, response = send(strangers[True], address, Draws(data, real_values))
    assert_answered_like_a_newspaper(method, path, response)
    if response.status_code == 200 and method not in ("HEAD", "OPTIONS"):
        assert b'id="login-form"' in response.content, f"{method} {path[:300]!r} open to strangers"


def test_every_public_pattern_is_fuzzed():
    """The list comes from the resolver: the public site, its feeds, sitemaps, previews and
    uploaded files, with no staff page among them."""
    templates = {a.template for a in PUBLIC}
    assert {"", "article/%(pk)s/%(slug)s/", "preview/shared/%(token)s/", "media/%(path)s"} <= (
        templates
    )
    assert "static/%(path)s" in templates
    assert not any(t.startswith(STAFF_PREFIXES) for t in templates)
    assert len(PUBLIC) >= 20 and len(STAFF_ONLY) >= 50


@pytest.mark.parametrize(
    "path",
    [
        "/article/99999999999999999999/x/",
        f"/article/{MAX_ID + 1}/x/",
        f"/n/{MAX_ID + 1}/",
        "/n/99999999999999999999999999999999999999/",
        "/article/%D9%A1%D9%A2/x/",  # Arabic-Indic digits are not an id
    ],
)
def test_an_id_too_large_for_the_database_is_an_arabic_not_found_page(path, published_article):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
    assert 'lang="ar"' in response.content.decode()


def test_the_largest_id_the_database_holds_is_still_an_address(client, published_article):
    assert client.get(f"/article/{MAX_ID}/x/").status_code == 404
    assert client.get(published_article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/section/a%00b/",
        "/editor/%00/rss/",
        "/tag/x%00/",
        "/sitemap-a%00.xml",
        "/preview/shared/a%00/",
        "/media/a%00.jpg",
        "/media/" + "a" * 5000 + ".jpg",  # longer than any file name the system allows
    ],
)
def test_a_value_the_database_or_disk_refuses_is_an_arabic_not_found_page(path, masthead):
    """PostgreSQL refuses a NUL byte in any text and the file system a name over 255 bytes:
    such an address is simply not found, on every database."""
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
    assert 'lang="ar"' in response.content.decode()
