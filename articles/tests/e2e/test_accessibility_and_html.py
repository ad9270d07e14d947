"""Every public page passes axe-core in Chromium and the Nu HTML Checker, on real content."""

import pytest

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


def test_breaking_strip_and_keyboard_focus_pass_axe_too(new_page, paper, settings):
    page = new_page(VIEWPORTS["phone"])
    page.goto("/")
    # The strip is drawn from data another part of the paper supplies: render it here as it will
    # be rendered there, so its colours and landmark are checked now.
    strip = paper.stories[1]
    page.evaluate(
        """([url, headline]) => {
            const header = document.querySelector('header.masthead');
            header.insertAdjacentHTML('afterend', `
            <aside class="breaking-strip" aria-labelledby="breaking-strip-label">
              <div class="breaking-strip__inner">
                <h2 id="breaking-strip-label" class="breaking-strip__label">عاجل</h2>
                <ul class="breaking-strip__items"><li><a href="${url}">${headline}</a></li></ul>
              </div></aside>`);
        }""",
        [strip.get_absolute_url(), strip.headline],
    )
    page.keyboard.press("Tab")
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)


def test_public_pages_are_valid_html(client, paper, tmp_path):
    urls = {**public_urls(paper), "not-found": "/لا-يوجد/"}
    documents = {name: client.get(url).content.decode() for name, url in urls.items()}
    errors = html_checker.nu_html_errors(documents, tmp_path)
    assert not any(errors.values()), html_checker.describe(errors)
