from datetime import UTC, timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles import images
from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory, jpeg_upload

pytestmark = pytest.mark.django_db

FEEDS = ["articles:feed_rss", "articles:feed_atom"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


@pytest.fixture
def photographed(section, masthead):
    author = EditorFactory(name="سارة عبد الحميد")
    article = ArticleFactory(
        section=section,
        headline="الناتو يؤكد دعم التعاون مع باكستان",
        dek="خطة عمل للعام المقبل",
        authors=[author],
        lead_image=jpeg_upload(),
        lead_image_alt="اجتماع في بروكسل",
    )
    article.tags.add("الناتو")
    return article


@pytest.mark.parametrize("name", FEEDS)
def test_site_feed_is_arabic_with_summary_author_dates_and_image_enclosure(
    client, photographed, name, media_in_tmp
):
    images.renditions_generate(field_file=photographed.lead_image, rendition_set=images.LEAD)
    _, parsed = parse(client, reverse(name))
    assert parsed.version == ("rss20" if name.endswith("rss") else "atom10")
    assert parsed.feed.title == "الصحيفة — آخر الأخبار"
    assert parsed.feed.language == "ar"
    (entry,) = parsed.entries
    assert entry.title == "الناتو يؤكد دعم التعاون مع باكستان"
    assert entry.summary == "خطة عمل للعام المقبل"
    assert entry.author == "سارة عبد الحميد"
    assert entry.link == "http://testserver" + photographed.get_absolute_url()
    published = photographed.published_at.astimezone(UTC)
    assert entry.published_parsed[:6] == published.timetuple()[:6]
    assert {tag.term for tag in entry.tags} == {photographed.section.name, "الناتو"}
    (enclosure,) = [link for link in entry.links if link.rel == "enclosure"]
    # The shared links' crop, as link previews use, never the uploaded original.
    share = photographed.share_picture
    assert enclosure.href == "http://testserver" + share.share_src
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == (media_in_tmp / share.share_name).stat().st_size > 0


@pytest.mark.parametrize("name", FEEDS)
def test_feed_credits_every_author_of_a_story_in_the_desks_order(client, section, masthead, name):
    mona, ahmed = EditorFactory(name="منى سالم"), EditorFactory(name="أحمد فؤاد")
    ArticleFactory(section=section, authors=[mona, ahmed])
    _, parsed = parse(client, reverse(name))
    (entry,) = parsed.entries
    assert entry.author == "منى سالم، أحمد فؤاد"


def test_story_without_a_body_dek_gets_the_start_of_its_body_as_summary(client, section, masthead):
    ArticleFactory(section=section, dek="", body="<p>أول <b>فقرة</b> في المتن.</p>")
    _, parsed = parse(client, reverse("articles:feed_rss"))
    assert parsed.entries[0].summary == "أول فقرة في المتن."


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_feed_holds_only_that_sections_stories(client, masthead, kind):
    section, other = SectionFactory(name="رياضة"), SectionFactory(name="اقتصاد")
    mine = ArticleFactory(section=section)
    ArticleFactory(section=other)
    _, parsed = parse(client, reverse(f"articles:section_{kind}", kwargs={"slug": section.slug}))
    assert parsed.feed.title == "الصحيفة — رياضة"
    assert [entry.title for entry in parsed.entries] == [mine.headline]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_editor_feed_holds_only_that_editors_stories(client, section, masthead, kind):
    editor = EditorFactory(name="أحمد فؤاد")
    mine = ArticleFactory(section=section, authors=[editor, EditorFactory()])
    ArticleFactory(section=section)
    _, parsed = parse(client, reverse(f"articles:editor_{kind}", kwargs={"slug": editor.slug}))
    assert parsed.feed.title == "الصحيفة — أحمد فؤاد"
    assert [entry.title for entry in parsed.entries] == [mine.headline]


def test_unknown_section_or_editor_feed_is_a_404(client, masthead):
    for name in ["articles:section_rss", "articles:editor_atom"]:
        assert client.get(reverse(name, kwargs={"slug": "لا-يوجد"})).status_code == 404


def test_drafts_and_scheduled_stories_never_appear_in_any_feed(client, section, masthead):
    editor = EditorFactory()
    ArticleFactory(section=section, authors=[editor], headline="منشور")
    ArticleFactory(section=section, authors=[editor], draft=True, headline="مسودة")
    ArticleFactory(
        section=section,
        authors=[editor],
        headline="مجدول",
        published_at=timezone.now() + timedelta(hours=1),
    )
    urls = [reverse(name) for name in FEEDS] + [
        reverse(f"articles:{kind}_{fmt}", kwargs={"slug": obj.slug})
        for kind, obj in [("section", section), ("editor", editor)]
        for fmt in ["rss", "atom"]
    ]
    for url in urls:
        _, parsed = parse(client, url)
        assert [entry.title for entry in parsed.entries] == ["منشور"], url


def test_pages_link_their_feeds_in_the_head(client, published_article):
    editor = published_article.authors.first()
    section = published_article.section
    pages = {
        "/": [reverse("articles:feed_rss"), reverse("articles:feed_atom")],
        section.get_absolute_url(): [
            reverse("articles:section_rss", kwargs={"slug": section.slug}),
            reverse("articles:section_atom", kwargs={"slug": section.slug}),
        ],
        editor.get_absolute_url(): [
            reverse("articles:editor_rss", kwargs={"slug": editor.slug}),
            reverse("articles:editor_atom", kwargs={"slug": editor.slug}),
        ],
    }
    for page, feeds in pages.items():
        html = client.get(page).content.decode()
        head = html[: html.index("</head>")]
        for feed in feeds:
            assert 'rel="alternate" type="application/' in head
            assert f'href="{feed}"' in head, (page, feed)
