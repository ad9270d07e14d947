"""The story card lists repeat: what a reader sees of each story on home, section and tag pages."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import uri_to_iri
from lxml import html as lxml_html

from articles.dates import to_arabic_indic
from articles.models import Article, ArticleAuthor
from articles.pagecache import deps, version
from articles.pagecache import pages as caching
from articles.reading import queries
from articles.tests.factories import ArticleFactory, EditorFactory, jpeg_upload
from articles.web import cards
from articles.web.cards import card_html

pytestmark = pytest.mark.django_db


def byline_html(authors) -> str:
    return get_template("includes/byline.html").render({"authors": authors}).strip()


def card_of(article):
    """The story as a list reads it for its card."""
    return queries.published_cards([article.pk])[article.pk]


def test_byline_joins_names_the_arabic_way():
    first, second, third = (EditorFactory(name=name) for name in ("منى", "أحمد", "سارة"))
    assert byline_html([]) == ""
    text = lxml_html.fromstring(byline_html([first, second, third])).text_content()
    assert text == "منى، أحمد وسارة"
    assert lxml_html.fromstring(byline_html([first, second])).text_content() == "منى وأحمد"


def test_card_escapes_what_the_desk_typed(section):
    article = ArticleFactory(section=section, headline='<script>alert("x")</script> & عنوان')
    card = card_html(card_of(article))
    assert "<script>" not in card
    assert "&lt;script&gt;" in card and "&amp; عنوان" in card


def test_a_card_links_its_story_once_through_its_headline(section):
    article = ArticleFactory(section=section, lead_image=jpeg_upload())
    card = lxml_html.fromstring(card_html(card_of(article)))
    story_links = [
        a for a in card.iter("a") if a.get("href") == uri_to_iri(article.get_absolute_url())
    ]
    assert [a.text_content() for a in story_links] == [article.headline]
    assert card.find(".//img") is not None


def test_lead_card_is_a_larger_heading_with_its_dek_and_an_eager_picture(section):
    article = ArticleFactory(section=section, dek="ملخص الخبر", lead_image=jpeg_upload())
    lead = lxml_html.fromstring(card_html(card_of(article), large=True))
    plain = lxml_html.fromstring(card_html(card_of(article)))
    assert lead.find(".//h2").text_content() == article.headline
    assert "ملخص الخبر" in lead.text_content() and "ملخص الخبر" not in plain.text_content()
    assert lead.find(".//img").get("fetchpriority") == "high"
    assert plain.find(".//img").get("loading") == "lazy"
    assert plain.find(".//h3/a").get("href") == uri_to_iri(article.get_absolute_url())


def test_card_date_and_time_read_in_the_papers_time_zone_and_digits(section):
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    article = ArticleFactory(section=section, published_at=moment)
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    time = lxml_html.fromstring(card_html(card_of(article), arabic_indic=True)).find(".//time")
    assert time.get("datetime") == local.strftime("%Y-%m-%dT%H:%M:%S%z")
    assert time.text_content() == to_arabic_indic(f"{local.day} مارس 2026، {local:%H:%M}")
    assert time.get("data-digits") == "arabic-indic"  # the relative text (site.js) follows
    plain = lxml_html.fromstring(card_html(card_of(article))).find(".//time")
    assert plain.text_content() == f"{local.day} مارس 2026، {local:%H:%M}"
    assert plain.get("data-digits") is None


def test_a_kept_card_holds_the_absolute_time_for_the_script_to_say_relatively(section):
    """The markup is kept for a day: a relative time baked into it would go stale, so it holds
    the moment (for site.js) and the date and time (what a reader without JavaScript sees)."""
    article = ArticleFactory(section=section, published_at=timezone.now() - timedelta(hours=2))
    card = card_html(card_of(article))
    time = lxml_html.fromstring(card).find(".//time")
    assert time.get("data-relative-time") is not None
    assert "منذ" not in card
    local = timezone.localtime(article.published_at)
    assert time.text_content().endswith(f"{local:%H:%M}")


def test_a_story_without_a_photo_has_a_text_card_and_no_empty_picture_frame(section):
    with_photo = ArticleFactory(section=section, lead_image=jpeg_upload())
    without = ArticleFactory(section=section)
    for large in (False, True):
        text_card = lxml_html.fromstring(card_html(card_of(without), large=large))
        assert "card--text" in text_card.get("class").split()
        assert not text_card.xpath(".//*[@class='card__image']")
        photo_card = lxml_html.fromstring(card_html(card_of(with_photo), large=large))
        assert "card--text" not in photo_card.get("class").split()


# --- Cards kept in the shared cache (prepare_cards) ---------------------------------------


@pytest.fixture
def home_rebuilt_each_time(settings, masthead):
    """The page cache off, so every view of the home page builds it: only cards are kept."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def cards_built(monkeypatch):
    """The stories whose card was built (not taken from the cache), in order."""
    built = []

    def counting_card_html(article, **kwargs):
        built.append(article.pk)
        return card_html(article, **kwargs)

    monkeypatch.setattr("articles.web.cards.card_html", counting_card_html)
    return built


def headlines_on(client, url="/"):
    page = lxml_html.fromstring(client.get(url).content.decode())
    return [link.text_content() for link in page.xpath("//article//*[@class='card__headline']/a")]


def bylines_on(client, url="/"):
    page = lxml_html.fromstring(client.get(url).content.decode())
    return [byline.text_content() for byline in page.xpath("//article//*[@class='byline']")]


def test_a_deploy_with_new_card_markup_rebuilds_the_kept_cards_at_once(
    client, section, home_rebuilt_each_time, cards_built, monkeypatch
):
    stories = ArticleFactory.create_batch(2, section=section)
    client.get("/")
    cards_built.clear()
    client.get("/")
    assert cards_built == []  # kept
    monkeypatch.setattr(version, "code_version", lambda: "the-next-release")
    client.get("/")
    assert sorted(set(cards_built)) == sorted(story.pk for story in stories)


def test_rebuilding_the_home_page_builds_only_the_card_of_the_edited_story(
    client, section, home_rebuilt_each_time, cards_built
):
    stories = ArticleFactory.create_batch(3, section=section)
    client.get("/")
    assert sorted(set(cards_built)) == sorted(story.pk for story in stories)
    cards_built.clear()
    edited = stories[1]
    edited.headline = "عنوان بعد التعديل"
    edited.save()
    assert headlines_on(client).count("عنوان بعد التعديل") == 1  # the latest news, once
    assert cards_built == [edited.pk]


def test_each_story_read_together_gets_its_own_bylines_in_the_desks_order(section):
    mona, ahmed = EditorFactory(name="منى"), EditorFactory(name="أحمد")
    first = ArticleFactory(section=section, authors=[mona, ahmed])
    second = ArticleFactory(section=section, authors=[ahmed, mona])
    third = ArticleFactory(section=section, authors=[ahmed])
    with CaptureQueriesContext(connection) as captured:
        read = queries.published_cards([first.pk, second.pk, third.pk])
        names = [
            [editor.name for editor in read[story.pk].authors] for story in (first, second, third)
        ]
    assert names == [["منى", "أحمد"], ["أحمد", "منى"], ["أحمد"]]
    assert len(captured) == 1


def test_a_renamed_editor_shows_at_once_on_every_kept_card(client, section, home_rebuilt_each_time):
    editor = EditorFactory(name="سارة علي")
    ArticleFactory.create_batch(2, section=section, authors=[editor])
    assert "سارة علي" in bylines_on(client)
    editor.name = "سارة عبد الله"
    editor.save()
    assert set(bylines_on(client)) == {"سارة عبد الله"}


def test_a_byline_added_without_saving_the_story_shows_on_its_card(
    client, section, home_rebuilt_each_time
):
    story = ArticleFactory(section=section, authors=[EditorFactory(name="منى")])
    assert bylines_on(client) == ["منى"] * len(bylines_on(client))
    ArticleAuthor.objects.create(article=story, editor=EditorFactory(name="أحمد"), position=1)
    assert "منى وأحمد" in bylines_on(client)


def test_a_byline_taken_off_without_saving_the_story_leaves_its_card(
    client, section, home_rebuilt_each_time
):
    story = ArticleFactory(section=section, authors=[EditorFactory(name="منى")])
    ArticleAuthor.objects.create(article=story, editor=EditorFactory(name="أحمد"), position=1)
    assert "منى وأحمد" in bylines_on(client)
    ArticleAuthor.objects.filter(article=story, position=0).delete()
    assert set(bylines_on(client)) == {"أحمد"}


def test_a_page_rebuilt_with_every_card_kept_reads_no_bylines(
    client, section, home_rebuilt_each_time, cards_built
):
    """Only the cards to build need their bylines: after a publication, one story's."""
    editor = EditorFactory()  # a new editor would change every card (their names)
    ArticleFactory.create_batch(3, section=section, authors=[editor])

    def byline_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return [q for q in captured.captured_queries if "articleauthor" in q["sql"]]

    assert len(byline_queries()) == 1
    assert byline_queries() == []
    # Published with an earlier time than the lead's (the factory's hour ago): the lead stays.
    published = ArticleFactory(
        section=section, authors=[editor], published_at=timezone.now() - timedelta(hours=2)
    )
    cards_built.clear()
    (query,) = byline_queries()
    assert cards_built == [published.pk]  # in the latest news, and nowhere else
    assert f"IN ({published.pk})" in query["sql"]


def test_the_home_page_reads_in_full_only_the_stories_whose_card_it_builds(
    client, section, home_rebuilt_each_time
):
    editor = EditorFactory()  # a new editor would change every card (their names)
    ArticleFactory.create_batch(3, section=section, authors=[editor])

    def stories_read_in_full():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        reads = [
            re.search(r'"articles_article"."id" IN \(([\d, ]+)\)', q["sql"])
            for q in captured.captured_queries
            if "lead_image_width" in q["sql"]  # a column only a card shows
        ]
        return [{int(pk) for pk in read[1].split(", ")} for read in reads if read]

    assert len(stories_read_in_full()) == 1  # the first visit builds every card
    assert stories_read_in_full() == []
    published = ArticleFactory(
        section=section,
        authors=[editor],
        headline="خبر نُشر للتو",
        published_at=timezone.now() - timedelta(hours=2),
    )
    assert stories_read_in_full() == [{published.pk}]
    assert headlines_on(client).count("خبر نُشر للتو") == 1  # the latest news, once


def test_a_listed_story_taken_down_before_its_card_is_built_shows_no_card(rf, section):
    story = ArticleFactory(section=section)
    (listed,), _ = queries.front_page(
        latest_count=1, per_section=1, section_ids=[], now=story.published_at
    )
    Article.objects.filter(pk=story.pk).update(status=Article.Status.WITHDRAWN)
    request = rf.get("/")
    request.newsroom_build_started = time.time()
    cards.prepare_cards(request, [([listed], False)], arabic_indic=False)
    assert cards.prepared_card(listed, large=False, arabic_indic=False) == ""


def test_a_card_read_while_an_editor_changes_is_not_kept(rf, section, masthead, cards_built):
    story = ArticleFactory(section=section)
    request = rf.get("/")
    request.newsroom_build_started = time.time()
    story = card_of(story)  # read before the rename lands
    caching.bump([deps.SITE])  # an editor renamed meanwhile
    cards.prepare_cards(request, [([story], False)], arabic_indic=False)
    assert cards_built == [story.pk]
    fresh = card_of(story)
    cards.prepare_cards(request, [([fresh], False)], arabic_indic=False)
    assert cards_built == [story.pk, story.pk]  # built again: the first was not stored
