"""Feeds are valid and inert: plain text typed by the desk never becomes markup in a reader.

A feed reader renders an item's summary (RSS `description`, Atom `summary type="html"`) and an
RSS channel's description as HTML. The dek, the start of the body, a section's description
are plain text, so they go in escaped; titles, names and categories are plain text in both
formats and go in as they are.
"""

import feedparser
import html5lib
import pytest
from django.urls import reverse

from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db

MARKUP = "<img src=x onerror=alert(1)>"
NAMESPACE = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def hostile_paper(masthead):
    section = SectionFactory(name="قسم <i>مائل</i>", description=f"وصف القسم {MARKUP}")
    editor = EditorFactory(name="كاتب <b>عريض</b>")
    with_dek = ArticleFactory(
        section=section,
        authors=[editor],
        headline=f"عنوان فيه {MARKUP} & علامة",
        dek=f"ملخص فيه {MARKUP} &amp; «سطر»",
    )
    from_body = ArticleFactory(
        section=section,
        authors=[editor],
        dek="",
        # What the editor typed as text, stored by CKEditor as escaped text in a paragraph.
        body="<p>&lt;img src=x onerror=alert(2)&gt; متن الخبر &amp;amp; بقيته</p>",
    )
    return section, editor, with_dek, from_body


def feeds_of(section, editor) -> list[str]:
    return [
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:section_rss", args=[section.slug]),
        reverse("articles:section_atom", args=[section.slug]),
        reverse("articles:editor_rss", args=[editor.slug]),
        reverse("articles:editor_atom", args=[editor.slug]),
    ]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def as_a_reader_renders(fragment: str):
    """The HTML a reader would render, parsed the way a browser does."""
    return html5lib.parseFragment(fragment, treebuilder="etree")


def assert_shown_as_text(fragment: str, text: str):
    tree = as_a_reader_renders(fragment)
    assert not tree.findall(".//h:img", NAMESPACE), fragment
    assert not tree.findall(".//h:i", NAMESPACE) and not tree.findall(".//h:b", NAMESPACE)
    assert text in "".join(tree.itertext()), fragment


def test_every_feed_parses_without_error_and_shows_a_dek_with_markup_as_text(client, hostile_paper):
    section, editor, with_dek, _ = hostile_paper
    for url in feeds_of(section, editor):
        parsed = parse(client, url)
        entry = next(e for e in parsed.entries if e.link.endswith(with_dek.get_absolute_url()))
        assert entry.summary_detail.type == "text/html", url
        assert_shown_as_text(entry.summary, f"ملخص فيه {MARKUP} &amp; «سطر»")


def test_the_start_of_the_body_is_shown_as_the_text_the_editor_typed(client, hostile_paper):
    section, editor, _, from_body = hostile_paper
    for url in feeds_of(section, editor):
        parsed = parse(client, url)
        entry = next(e for e in parsed.entries if e.link.endswith(from_body.get_absolute_url()))
        assert_shown_as_text(entry.summary, "<img src=x onerror=alert(2)> متن الخبر &amp; بقيته")


def test_titles_names_and_categories_arrive_as_the_desk_typed_them(client, hostile_paper):
    section, editor, with_dek, _ = hostile_paper
    for url in feeds_of(section, editor):
        parsed = parse(client, url)
        entry = next(e for e in parsed.entries if e.link.endswith(with_dek.get_absolute_url()))
        assert entry.title_detail.type == "text/plain", url
        assert entry.title == f"عنوان فيه {MARKUP} & علامة"
        assert entry.author == "كاتب <b>عريض</b>"
        assert section.name in {tag.term for tag in entry.tags}


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_section_description_with_markup_describes_its_feed_as_text(client, hostile_paper, kind):
    section, *_ = hostile_paper
    parsed = parse(client, reverse(f"articles:section_{kind}", args=[section.slug]))
    detail = parsed.feed.subtitle_detail
    shown = parsed.feed.subtitle
    if detail.type == "text/html":
        assert_shown_as_text(shown, f"وصف القسم {MARKUP}")
    else:
        assert shown == f"وصف القسم {MARKUP}"
    assert parsed.feed.title == f"{parsed.feed.title.split(' — ')[0]} — قسم <i>مائل</i>"
