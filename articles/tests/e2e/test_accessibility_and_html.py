"""Every public page passes axe-core in Chromium and the Nu HTML Checker, on real content."""

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from . import accessibility, html_checker
from .conftest import VIEWPORTS
from .test_reader_layout import public_urls

PAGES = ["home", "section", "article", "editor"]


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
    urls = {**public_urls(paper), "not-found": "/لا-يوجد/"}
    documents = {name: client.get(url).content.decode() for name, url in urls.items()}
    strip = render_to_string("includes/breaking_strip.html", {"breaking_news": paper.stories[:2]})
    documents["home-breaking"] = documents["home"].replace("</header>", f"</header>{strip}", 1)
    errors = html_checker.nu_html_errors(documents, tmp_path)
    assert not any(errors.values()), html_checker.describe(errors)
