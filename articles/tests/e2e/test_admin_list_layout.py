"""The desk's article list in a real browser: at 1366x768 and on a 390 px phone every column is
on screen, headlines read in at most two lines at the desk, dates are written the Arabic way and
the filters never take the table's width."""

import re

import pytest
from playwright.sync_api import expect

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# The table's and its container's widths, and each cell's edges against the viewport.
MEASURE = """() => {
  const table = document.getElementById('result_list');
  const container = table.closest('.results');
  const viewport = document.documentElement.clientWidth;
  const cells = [...table.querySelectorAll('th, td')].map(cell => cell.getBoundingClientRect())
    .filter(box => box.width > 0);
  return {
    tableWidth: table.scrollWidth,
    containerWidth: container.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
    viewport,
    cellsOutside: cells.filter(box => box.left < -1 || box.right > viewport + 1).length,
  };
}"""

# How many lines each headline takes: the distinct tops of its inline boxes (a number inside
# Arabic text is a box of its own on the same line).
HEADLINE_LINES = """() => [...document.querySelectorAll('#result_list tbody .field-headline a')]
  .map(link => ({
    words: link.textContent.trim().split(/\\s+/).length,
    lines: new Set([...link.getClientRects()].map(box => Math.round(box.top))).size,
  }))"""


def open_article_list(new_page, admin_login, user, viewport):
    page = new_page(viewport)
    admin_login(page, user)
    page.goto("/admin/articles/article/")
    expect(page.locator("#result_list")).to_be_visible()
    return page


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop-1366", "phone-390"])
def test_article_list_fits_the_screen_with_no_column_clipped(
    new_page, admin_login, desk_account, paper, screenshot, viewport
):
    page = open_article_list(new_page, admin_login, desk_account, viewport)
    screenshot(page, "article-list")
    size = page.evaluate(MEASURE)
    assert size["tableWidth"] <= size["containerWidth"], size
    assert size["pageWidth"] <= size["viewport"], size
    assert size["cellsOutside"] == 0, size


def test_headlines_of_eight_to_twelve_words_take_at_most_two_lines_at_the_desk(
    new_page, admin_login, desk_account, paper
):
    page = open_article_list(new_page, admin_login, desk_account, LAPTOP)
    headlines = page.evaluate(HEADLINE_LINES)
    assert len(headlines) == len(paper.stories)
    assert all(8 <= headline["words"] <= 12 for headline in headlines), headlines
    assert all(headline["lines"] <= 2 for headline in headlines), headlines


def test_list_dates_are_written_day_month_year_then_the_time(
    new_page, admin_login, desk_account, paper
):
    page = open_article_list(new_page, admin_login, desk_account, LAPTOP)
    published = page.locator("#result_list tbody .field-published time").first
    expect(published).to_have_text(re.compile(r"^\d{1,2} [\u0600-\u06FF]+ \d{4}، \d{2}:\d{2}$"))
    expect(page.locator("#result_list")).not_to_contain_text(
        re.compile(r"[\u0600-\u06FF]+ \d{1,2},")
    )


def test_filters_are_open_above_the_table_at_the_desk_and_folded_on_a_phone(
    new_page, admin_login, desk_account, paper, screenshot
):
    page = open_article_list(new_page, admin_login, desk_account, LAPTOP)
    filters = page.locator("#newsroom-filters")
    expect(filters).to_have_attribute("open", "")
    assert filters.bounding_box()["y"] < page.locator("#result_list").bounding_box()["y"]

    phone = open_article_list(new_page, admin_login, desk_account, PHONE)
    state_filter = phone.get_by_role("link", name="قيد المراجعة")
    expect(state_filter).to_be_hidden()
    phone.get_by_text("التصفية", exact=True).click()
    expect(state_filter).to_be_visible()
    screenshot(phone, "filters-unfolded", full_page=False)
    state_filter.click()
    expect(phone.locator("summary", has_text="(مفعّلة)")).to_be_visible()
    # The editor unfolded the panel: it stays open on the filtered list.
    expect(state_filter).to_be_visible()
