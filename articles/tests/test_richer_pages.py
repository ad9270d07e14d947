"""Issue 23's richer pages: the article says when its copy was updated, the home page's first
screen shows each story once, and the article page has a rail of the latest and most-read."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import html as lxml_html

from articles.models import Article, DailyReadCount
from articles.most_read import flush_read_counts
from articles.tests.admin_forms import save_article
from articles.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def updated_line(client, article) -> str:
    found = page(client, article.get_absolute_url()).xpath("//*[@class='article__revised']")
    return found[0].text_content() if found else ""


# --- «حُدّث في …» -----------------------------------------------------------------------------


def test_a_story_edited_after_publication_says_when_it_was_updated(client, published_article):
    assert updated_line(client, published_article) == ""
    stored = Article.objects.get(pk=published_article.pk)
    stored.body = "<p>النص بعد التصحيح، وفيه الرقم الصحيح.</p>"
    stored.save()
    line = updated_line(client, published_article)
    assert line.startswith("حُدّث في")
    local = timezone.localtime(Article.objects.get(pk=published_article.pk).revised_at)
    assert f"{local:%H:%M}" in line


def test_a_save_that_changes_nothing_or_only_the_home_page_flags_says_no_update(
    client, published_article
):
    stored = Article.objects.get(pk=published_article.pk)
    stored.save()
    stored.is_featured = True
    stored.save()
    assert Article.objects.get(pk=published_article.pk).revised_at is None
    assert updated_line(client, published_article) == ""


def test_the_desk_saving_the_form_unchanged_says_no_update_and_a_new_headline_does(
    staff_client, published_article
):
    assert save_article(staff_client, published_article).status_code == 302
    assert Article.objects.get(pk=published_article.pk).revised_at is None
    assert updated_line(staff_client, published_article) == ""
    published_article.refresh_from_db()
    save_article(staff_client, published_article, headline="عنوان مصحح بعد النشر")
    assert Article.objects.get(pk=published_article.pk).revised_at is not None
    assert updated_line(staff_client, published_article).startswith("حُدّث في")


def test_search_engines_are_told_the_same_modified_time_as_readers(client, published_article):
    def modified_times():
        head = page(client, published_article.get_absolute_url()).find("head")
        (ld,) = head.xpath("//script[@type='application/ld+json']")
        (meta,) = head.xpath("//meta[@property='article:modified_time']")
        return parse_datetime(json.loads(ld.text)["dateModified"]), parse_datetime(
            meta.get("content")
        )

    stored = Article.objects.get(pk=published_article.pk)
    stored.save()  # nothing changed: the story is as published
    assert modified_times() == (stored.published_at, stored.published_at)
    stored.dek = "ملخص مصحح"
    stored.save()
    assert modified_times() == (stored.revised_at, stored.revised_at)


def test_edits_before_publication_are_not_updates(client, section, masthead):
    draft = ArticleFactory(section=section, draft=True)
    draft.body = "<p>المسودة الثانية.</p>"
    draft.save()
    scheduled = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=1))
    scheduled.headline = "عنوان قبل موعد النشر"
    scheduled.save()
    assert not Article.objects.filter(pk__in=[draft.pk, scheduled.pk], revised_at__isnull=False)
    draft.status = Article.Status.PUBLISHED
    draft.published_at = None
    draft.save()
    assert Article.objects.get(pk=draft.pk).revised_at is None
    assert updated_line(client, draft) == ""


# --- The home page's first screen shows each story once --------------------------------------


def card_links(tree, xpath: str) -> list[str]:
    return [link.get("href") for link in tree.xpath(f"{xpath}//*[@class='card__headline']/a")]


def test_no_story_appears_twice_among_the_lead_the_latest_news_and_the_section_blocks(
    client, masthead
):
    busy, quiet = SectionFactory(), SectionFactory()
    now = timezone.now()
    for minute in range(14):
        ArticleFactory(section=busy, published_at=now - timedelta(minutes=minute + 1))
    for minute in range(8):
        ArticleFactory(section=quiet, published_at=now - timedelta(minutes=3 * minute + 2))
    ArticleFactory(section=quiet, published_at=now - timedelta(days=3), is_pinned=True)
    tree = page(client, "/")
    lead = card_links(tree, "//section[@class='lead-story']")
    latest = card_links(tree, "//section[@class='latest']")
    blocks = {
        block.get("aria-labelledby"): card_links(block, ".")
        for block in tree.xpath("//section[@class='section-block']")
    }
    first_screen = lead + latest + [link for links in blocks.values() for link in links]
    assert len(lead) == 1 and len(latest) == 9
    assert len(first_screen) == len(set(first_screen))
    # Each block still shows four stories: the next ones of its section.
    assert [len(links) for links in blocks.values()] == [4, 4]


def test_a_story_the_pinned_lead_pushed_out_of_the_latest_news_leads_its_section_block(
    client, masthead
):
    busy, quiet = SectionFactory(), SectionFactory()
    now = timezone.now()
    newest = [
        ArticleFactory(section=busy, published_at=now - timedelta(minutes=minute + 1))
        for minute in range(12)
    ]
    ArticleFactory(section=quiet, published_at=now - timedelta(days=3), is_pinned=True)
    tree = page(client, "/")
    latest = card_links(tree, "//section[@class='latest']")
    (busy_block,) = tree.xpath(f"//section[@aria-labelledby='section-{busy.pk}']")
    block = card_links(busy_block, ".")

    def ids(links):  # /article/<id>/<slug>/
        return [int(link.split("/")[2]) for link in links]

    assert ids(latest) == [story.pk for story in newest[:9]]
    assert ids(block) == [story.pk for story in newest[9:12]]


# --- The article page's rail ----------------------------------------------------------------


def rail_of(client, article) -> dict[str, list[str]]:
    tree = page(client, article.get_absolute_url())
    (rail,) = tree.xpath("//aside[@class='rail']")
    return {
        "latest": [a.text_content() for a in rail.xpath(".//*[@class='rail__list']//a")],
        "most_read": [a.text_content() for a in rail.xpath(".//*[@class='most-read__list']//a")],
    }


def test_the_article_rail_lists_the_newest_other_stories_and_todays_most_read(
    client, section, masthead
):
    now = timezone.now()
    stories = [
        ArticleFactory(section=section, headline=f"خبر رقم {n}", published_at=now - timedelta(n))
        for n in range(1, 8)
    ]
    ArticleFactory(section=section, headline="مسودة لا تظهر", draft=True)
    ArticleFactory(section=section, headline="خبر مجدول", published_at=now + timedelta(hours=1))
    today = timezone.localdate()
    for story, count in [(stories[6], 9), (stories[2], 4)]:
        DailyReadCount.objects.create(article=story, day=today, count=count)
    rail = rail_of(client, stories[0])
    # The newest five, the story being read left out; the day's most read by their reads.
    assert rail["latest"] == [story.headline for story in stories[1:6]]
    assert rail["most_read"] == [stories[6].headline, stories[2].headline]
    time = page(client, stories[0].get_absolute_url()).xpath("//aside//time")[0]
    assert time.get("data-relative-time") is not None and time.get("datetime")
    # A story older than the newest five shows all five, from the rail kept for such pages.
    assert rail_of(client, stories[6])["latest"] == [story.headline for story in stories[:5]]
    assert rail_of(client, stories[1])["latest"] == [
        story.headline for story in [stories[0], *stories[2:6]]
    ]


def test_the_rail_writes_its_times_in_the_digits_the_masthead_asks_for(
    client, section, masthead, commit
):
    story = ArticleFactory(section=section)
    ArticleFactory(section=section, published_at=timezone.now() - timedelta(hours=2))
    assert page(client, story.get_absolute_url()).xpath("//aside//time/@data-digits") == []
    masthead.use_arabic_indic_digits = True
    commit(masthead.save)
    assert page(client, story.get_absolute_url()).xpath("//aside//time/@data-digits") == [
        "arabic-indic"
    ]


def test_a_new_story_and_written_counts_reach_the_rail_of_a_cached_article_page(
    client, section, masthead
):
    read_here = ArticleFactory(section=section)
    ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=1))
    assert rail_of(client, read_here)["most_read"] == []
    fresh = ArticleFactory(section=section, headline="خبر نُشر الآن")
    assert rail_of(client, read_here)["latest"][0] == "خبر نُشر الآن"
    for _ in range(3):
        client.get(fresh.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    flush_read_counts()
    assert rail_of(client, read_here)["most_read"] == ["خبر نُشر الآن"]


def test_an_article_page_built_after_another_finds_its_rail_kept(client, section, masthead):
    first, second = ArticleFactory.create_batch(2, section=section)
    DailyReadCount.objects.create(article=first, day=timezone.localdate(), count=2)
    client.get(first.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        rail = rail_of(client, second)
    assert rail["most_read"] == [first.headline]
    assert not [q for q in captured if DailyReadCount._meta.db_table in q["sql"]]
    assert len(captured) <= 3  # the next scheduled minute, the story, its related stories
