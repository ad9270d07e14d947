"""Every public page passes axe-core in Chromium and the Nu HTML Checker, on real content."""

from urllib.parse import quote

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from articles.tests.e2e import accessibility, html_checker
from articles.tests.e2e.conftest import VIEWPORTS
from articles.tests.e2e.test_reader_layout import PAGES, public_urls
from articles.tests.factories import ArticleFactory


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_public_page_has_no_serious_or_critical_accessibility_violation(
    new_page, paper, name, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto(public_urls(paper)[name])
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)


def test_breaking_strip_and_keyboard_focus_pass_axe_too(new_page, paper, screenshot):
    page = new_page(VIEWPORTS["phone"])
    page.goto("/")
    # The strip shows what another part of the paper marks as breaking: render its template with
    # two stories and put it where base.html does, so its colours and landmark are checked now.
    strip = render_to_string("includes/breaking_strip.html", {"breaking_news": paper.stories[1:3]})
    page.evaluate(
        "html => document.querySelector('header.masthead').insertAdjacentHTML('afterend', html)",
        strip,
    )
    breaking = page.get_by_role("complementary", name="عاجل")
    expect(breaking).to_contain_text(paper.stories[1].headline)
    page.keyboard.press("Tab")
    screenshot(page, "breaking-strip-and-skip-link", full_page=False)
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)


def test_public_pages_are_valid_html(client, paper, tmp_path):
    urls = {
        **public_urls(paper),
        "search-nothing-to-search": "/search/?q=" + quote("؟!"),
        "search-no-results": "/search/?q=" + quote("كلمةلاتوجد"),
        "search-did-you-mean": "/search/?q=" + quote("باكستن"),
        "search-newest-in-days": "/search/?sort=newest&from=2020-01-01&to=2100-01-01&q="
        + quote("باكستان"),
        "search-bad-days": "/search/?sort=worst&from=2026-02-30&to=0001-01-01&q="
        + quote("باكستان"),
        "not-found": "/لا-يوجد/",
        "gone": ArticleFactory(section=paper.sections[0], withdrawn=True).get_absolute_url(),
    }
    documents = {name: client.get(url).content.decode() for name, url in urls.items()}
    strip = render_to_string("includes/breaking_strip.html", {"breaking_news": paper.stories[:2]})
    documents["home-breaking"] = documents["home"].replace("</header>", f"</header>{strip}", 1)
    errors = html_checker.nu_html_errors(documents, tmp_path)
    assert not any(errors.values()), html_checker.describe(errors)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("who", ["reporter-new-story", "desk-published-story"])
def test_article_form_in_the_admin_has_no_serious_or_critical_accessibility_violation(
    new_page, reporter_account, desk_account, admin_login, paper, screenshot, who, viewport
):
    # The reporter's blank form and the desk's form of a published story (every field
    # editable: split date and time, home-page flags, bylines) are the two forms people use.
    page = new_page(VIEWPORTS[viewport])
    if who == "reporter-new-story":
        admin_login(page, reporter_account)
        page.goto("/admin/articles/article/add/")
    else:
        admin_login(page, desk_account)
        page.goto(f"/admin/articles/article/{paper.lead.pk}/change/")
    page.locator("iframe.cke_wysiwyg_frame").wait_for()
    rows = page.locator(".dynamic-bylines").count()
    page.locator("#bylines-group .add-row a").click()  # a byline row made in the browser
    # Every autocomplete is named after its field (articles/admin/autocomplete_names.js).
    for field, name in [
        ("id_section", "القسم"),
        ("id_bylines-0-editor", "الكاتب"),
        (f"id_bylines-{rows}-editor", "الكاتب"),
    ]:
        combobox = page.locator(f"#{field} + .select2 [role=combobox]")
        expect(combobox).to_have_attribute("aria-label", name)
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_desk_dashboard_and_its_chart_have_no_serious_or_critical_accessibility_violation(
    new_page, desk_account, admin_login, paper, screenshot, viewport
):
    page = new_page(VIEWPORTS[viewport])
    admin_login(page, desk_account)
    chart = page.get_by_role("img", name="الأخبار المنشورة يوميًا")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="حسب القسم")).to_be_visible()
    # Drawn to the page's width, never wider: no sideways scrolling on a phone.
    assert chart.bounding_box()["width"] <= VIEWPORTS[viewport]["width"]
    page.locator("#publishing-chart").scroll_into_view_if_needed()
    screenshot(page, "desk-dashboard-chart")
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)
