"""The results page a reader sees, on a phone and on a desktop: thumbnails where a story has a
photo and a tidy text-only result where it has none, the query in the header's box and the
page's, results by date and within days, and «did you mean» for a misspelt word."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.tests.e2e import accessibility
from articles.tests.e2e.conftest import VIEWPORTS
from articles.tests.factories import ArticleFactory


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_results_show_thumbnails_keep_the_query_sort_by_date_and_suggest_a_spelling(
    new_page, paper, screenshot, viewport
):
    now = timezone.now()
    ArticleFactory(
        section=paper.sections[1],
        authors=[paper.reporter],
        headline="وزير خارجية باكستان يزور القاهرة الأسبوع المقبل",
        dek="زيارة تبحث التعاون الاقتصادي.",
        body="<p>أعلنت الخارجية أن وزير خارجية باكستان يصل القاهرة الأحد.</p>",
        published_at=now - timedelta(minutes=10),
    )
    ArticleFactory(
        section=paper.sections[0],
        headline="تقرير اقتصادي",
        body="<p>ارتفعت الصادرات إلى باكستان في الربع الأخير من العام.</p>",
        published_at=now - timedelta(days=40),
    )
    size = VIEWPORTS[viewport]
    page = new_page(size)
    page.goto("/search/?q=" + quote("باكستان"))

    results = page.locator(".search-result")
    expect(results).to_have_count(3)
    # Best match first: the headline matches, then the story that has the word in its body.
    expect(results.last).to_contain_text("تقرير اقتصادي")
    pictured = page.locator(".search-result--pictured")
    expect(pictured).to_have_count(1)
    thumbnail = pictured.locator("img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    box = thumbnail.bounding_box()
    assert 100 <= box["width"] <= 200 and abs(box["width"] / box["height"] - 16 / 9) < 0.05
    # A result without a photo keeps the full width: no empty frame beside it.
    text_only = results.filter(has_text="وزير خارجية باكستان")
    assert text_only.locator("img").count() == 0
    assert text_only.bounding_box()["width"] >= pictured.bounding_box()["width"] - 1
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]

    # The query stays in the page's box and in the header's (on a phone, inside the menu).
    expect(page.get_by_role("main").get_by_label("كلمات البحث")).to_have_value("باكستان")
    if viewport == "phone":
        page.locator(".site-menu summary").click()
    boxes = page.locator('input[name="q"]:visible')
    expect(boxes).to_have_count(2)
    for number in range(2):
        expect(boxes.nth(number)).to_have_value("باكستان")
    if viewport == "phone":
        page.locator(".site-menu summary").click()
    screenshot(page, "search-results-with-thumbnails")

    # Newest first, within the last month: the old body match goes.
    main = page.get_by_role("main")
    main.get_by_label("الترتيب").select_option(label="الأحدث أولًا")
    main.get_by_label("من يوم").fill((timezone.localdate() - timedelta(days=30)).isoformat())
    main.get_by_role("button", name="بحث").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("وزير خارجية باكستان")
    expect(main.get_by_label("الترتيب")).to_have_value("newest")
    screenshot(page, "search-newest-in-the-last-month")

    # A misspelt word finds nothing and is offered the spelling that does.
    box = main.get_by_label("كلمات البحث")
    box.fill("باكستن")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=%D8%A8%D8%A7%D9%83%D8%B3%D8%AA%D9%86"))
    expect(results).to_have_count(0)
    offer = page.locator(".search-suggestion")
    expect(offer).to_contain_text("هل تقصد:")
    screenshot(page, "search-did-you-mean")
    offer.get_by_role("link", name="باكستان").click()
    page.wait_for_url(re.compile(r"q=%D8%A8%D8%A7%D9%83%D8%B3%D8%AA%D8%A7%D9%86"))
    expect(results).to_have_count(2)
    expect(main.get_by_label("الترتيب")).to_have_value("newest")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_suggestion_and_messages_about_unusable_days_pass_axe(new_page, paper, viewport):
    page = new_page(VIEWPORTS[viewport])
    page.goto("/search/?sort=worst&from=2026-02-30&q=" + quote("باكستن"))
    expect(page.locator(".search-suggestion")).to_contain_text("باكستان")
    expect(page.get_by_role("alert")).to_contain_text("من يوم «2026-02-30»:")
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)
