"""Issue 23's richer pages in Chromium: times said relatively, the article's rail beside the
story on a desktop and after it on a phone, text cards, and the home page's first screen
showing each story once. Screenshots of home and article at 390x844 and 1366x900."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, DailyReadCount, Masthead
from articles.tests.e2e.conftest import VIEWPORTS
from articles.tests.factories import ArticleFactory

RELATIVE = re.compile(r"^منذ ")


@pytest.fixture
def richer_paper(paper):
    """The paper with a story of five minutes ago, one of three days ago, a story without a
    photo, a corrected story, and a day of reads."""
    now = timezone.now()
    section = paper.sections[0]
    paper.fresh = ArticleFactory(
        section=section,
        headline="عاجل: بيان جديد قبل دقائق",
        authors=[paper.reporter],
        published_at=now - timedelta(minutes=5),
    )
    paper.text_only = ArticleFactory(
        section=paper.sections[1],
        headline="خبر بلا صورة: تحليل مكتوب لما جرى في الاجتماع",
        kicker="تحليل",
        authors=[paper.chief],
        published_at=now - timedelta(minutes=30),
    )
    paper.old = ArticleFactory(
        section=paper.sections[2],
        headline="خبر من أرشيف الأسبوع",
        authors=[paper.chief],
        published_at=now - timedelta(days=3),
    )
    corrected = Article.objects.get(pk=paper.stories[1].pk)
    corrected.body = "<p>فقرة أولى بعد التصحيح.</p><p>فقرة فيها <strong>تفاصيل</strong>.</p>"
    corrected.save()
    paper.corrected = corrected
    today = timezone.localdate()
    for count, story in enumerate(paper.stories[2:7], start=1):
        DailyReadCount.objects.create(article=story, day=today, count=count * 10)
    return paper


def card_of(page, story):
    return page.locator("article.card").filter(
        has=page.get_by_role("link", name=story.headline, exact=True)
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_home_cards_say_todays_times_relatively_and_show_each_story_once(
    new_page, richer_paper, screenshot, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto("/")
    fresh_time = card_of(page, richer_paper.fresh).first.locator("time")
    expect(fresh_time).to_have_text(re.compile(r"^منذ (5|6) دقائق$"))
    # The date and time stay within reach, as the element's title.
    assert re.search(r"\d{1,2}:\d\d$", fresh_time.get_attribute("title"))
    old_time = card_of(page, richer_paper.old).first.locator("time")
    expect(old_time).not_to_have_text(RELATIVE)
    expect(old_time).to_have_text(re.compile(r"\d{4}، \d\d:\d\d$"))
    headline_links = page.locator(
        ".lead-story .card__headline a, .latest .card__headline a, .section-block .card__headline a"
    ).evaluate_all("links => links.map(link => link.href)")
    assert len(headline_links) == len(set(headline_links)), "a story stands twice on the page"
    # A story without a photo: its text takes the card's width, no empty frame beside it.
    text_card = card_of(page, richer_paper.text_only).first
    text_card.scroll_into_view_if_needed()
    assert text_card.locator("img").count() == 0
    card_width = text_card.bounding_box()["width"]
    assert text_card.locator(".card__text").bounding_box()["width"] >= card_width - 34
    screenshot(page, "home")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_article_has_its_rail_beside_it_on_a_desktop_and_after_it_on_a_phone(
    new_page, richer_paper, screenshot, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto(richer_paper.corrected.get_absolute_url())
    expect(page.locator(".article__revised")).to_have_text(re.compile(r"^حُدّث في "))
    rail = page.get_by_role("complementary", name="المزيد من الأخبار")
    expect(rail).to_be_visible()
    latest = rail.locator(".rail__list")
    expect(latest.get_by_role("link", name=richer_paper.fresh.headline)).to_be_visible()
    expect(latest.locator("time").first).to_have_text(RELATIVE)
    most_read = rail.locator(".most-read__list a")
    expect(most_read.first).to_have_text(richer_paper.stories[6].headline)
    story_box = page.locator("article.article").bounding_box()
    rail_box = rail.bounding_box()
    if viewport == "desktop":
        # Right to left: the story on the right, the rail on its left, both from the top.
        assert rail_box["x"] + rail_box["width"] <= story_box["x"]
        assert abs(rail_box["y"] - story_box["y"]) < 40
    else:
        assert rail_box["y"] >= story_box["y"] + story_box["height"]
        assert rail_box["width"] >= VIEWPORTS[viewport]["width"] - 40
    screenshot(page, "article")


def test_relative_times_use_arabic_indic_digits_when_the_masthead_asks(new_page, richer_paper):
    Masthead.objects.update(use_arabic_indic_digits=True)
    page = new_page(VIEWPORTS["desktop"])
    page.goto("/")
    expect(card_of(page, richer_paper.fresh).first.locator("time")).to_have_text(
        re.compile(r"^منذ (٥|٦) دقائق$")
    )


def test_without_javascript_cards_show_the_date_and_time(new_page, richer_paper):
    page = new_page(VIEWPORTS["phone"], java_script_enabled=False)
    page.goto("/")
    time = card_of(page, richer_paper.fresh).first.locator("time")
    expect(time).to_have_text(re.compile(r"\d{4}، \d\d:\d\d$"))
