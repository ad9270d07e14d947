"""The reader's header on a phone and a desktop, sharing, and the 404 page, in Chromium."""

import pytest
from playwright.sync_api import expect

from articles.tests.e2e import accessibility
from articles.tests.e2e.conftest import DESKTOP, PHONE, VIEWPORTS
from articles.tests.e2e.test_reader_layout import CREDIT, public_urls
from articles.tests.factories import SectionFactory

# The sections the issue found hidden in a sideways-scrolling row on a phone, and more.
MORE_SECTIONS = ["رياضة", "ثقافة", "رأي", "تكنولوجيا", "حوادث"]


@pytest.fixture
def fuller_paper(paper):
    paper.sections += [SectionFactory(name=name) for name in MORE_SECTIONS]
    return paper


def bar_top_and_bottom(page) -> tuple[float, float]:
    box = page.locator(".site-bar").evaluate(
        "el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }"
    )
    return box[0], box[1]


@pytest.mark.parametrize("name", ["home", "section", "article", "search"])
def test_phone_header_takes_at_most_a_fifth_of_the_screen_and_its_bar_stays_while_reading(
    new_page, fuller_paper, screenshot, name
):
    page = new_page(PHONE)
    page.goto(public_urls(fuller_paper)[name])
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text(CREDIT)
    expect(banner.get_by_text(CREDIT)).to_be_visible()
    _top, bottom = bar_top_and_bottom(page)
    assert bottom <= PHONE["height"] / 5, f"{name}: the header ends at {bottom}px"
    screenshot(page, f"{name}-top", full_page=False)

    # Read on: as far down as the page goes (a search with one result is short).
    page.mouse.wheel(0, 1200)
    page.wait_for_function("() => window.scrollY > 200")
    top, bottom = bar_top_and_bottom(page)
    assert top == 0, f"{name}: the bar left the screen ({top}px)"
    expect(page.locator(".site-menu summary")).to_be_in_viewport()
    screenshot(page, f"{name}-scrolled", full_page=False)


def test_phone_menu_lists_every_section_and_holds_search(new_page, fuller_paper, screenshot):
    page = new_page(PHONE)
    page.goto(fuller_paper.lead.get_absolute_url())
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => window.scrollY > 400")
    toggle = page.locator(".site-menu summary")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav = page.get_by_role("navigation", name="الأقسام")
    for section in fuller_paper.sections:
        link = nav.get_by_role("link", name=section.name)
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()
    expect(nav.get_by_role("link", name="الرئيسية")).to_be_visible()
    expect(page.get_by_role("search").get_by_label("ابحث في الموقع")).to_be_visible()
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)
    screenshot(page, "menu-open", full_page=False)

    # Escape closes it and gives the focus back to its button.
    page.get_by_role("search").get_by_label("ابحث في الموقع").focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    outline = toggle.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the menu's button shows no focus"

    # From the menu, a search.
    toggle.click()
    box = page.get_by_role("search").get_by_label("ابحث في الموقع")
    box.fill("باكستان")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    expect(page.get_by_role("heading", level=1)).to_have_text("البحث في الأخبار")


def test_phone_menu_opens_without_javascript(new_page, fuller_paper):
    page = new_page(PHONE, java_script_enabled=False)
    page.goto("/")
    page.locator(".site-menu summary").click()
    nav = page.get_by_role("navigation", name="الأقسام")
    for section in fuller_paper.sections:
        expect(nav.get_by_role("link", name=section.name)).to_be_visible()
    section = fuller_paper.sections[-1]
    nav.get_by_role("link", name=section.name).click()
    page.wait_for_url(f"**{section.get_absolute_url()}")


def test_desktop_keeps_the_full_row_of_sections_and_the_search_box(new_page, fuller_paper):
    page = new_page(DESKTOP)
    page.goto("/")
    expect(page.locator(".site-menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="الأقسام")
    for section in fuller_paper.sections:
        link = nav.get_by_role("link", name=section.name)
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()
    # Every link inside the page's width: the row wraps, it never hides one off to the side.
    overflow = nav.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0
    expect(page.get_by_role("banner").get_by_role("search")).to_be_visible()
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => window.scrollY > 400")
    assert bar_top_and_bottom(page)[0] == 0


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_article_offers_sharing_and_copies_its_short_link(
    new_page, paper, screenshot, viewport, live_server
):
    page = new_page(VIEWPORTS[viewport], permissions=["clipboard-read", "clipboard-write"])
    page.goto(paper.lead.get_absolute_url())
    share = page.get_by_role("region", name="شارك الخبر")
    for name in ["واتساب", "تيليجرام", "فيسبوك", "إكس"]:
        expect(share.get_by_role("link", name=name)).to_be_visible()
    short = f"{live_server.url}/n/{paper.lead.pk}/"
    copy = share.get_by_role("button", name="نسخ الرابط")
    expect(copy).to_be_visible()  # the clipboard is there: the script shows the button
    copy.click()
    expect(share.get_by_role("status")).to_have_text("نُسخ رابط الخبر.")
    assert page.evaluate("() => navigator.clipboard.readText()") == short
    has_share_sheet = page.evaluate("() => typeof navigator.share === 'function'")
    native = share.get_by_role("button", name="مشاركة…")
    if has_share_sheet:
        expect(native).to_be_visible()
    else:
        expect(native).to_be_hidden()
    share.scroll_into_view_if_needed()
    # Focus from the keyboard (a script's focus after a click shows no ring, by design).
    share.get_by_role("link", name="تيليجرام").focus()
    page.keyboard.press("Shift+Tab")
    outline = share.get_by_role("link", name="واتساب").evaluate(
        "el => getComputedStyle(el).outlineStyle"
    )
    assert outline != "none"
    screenshot(page, "article-sharing", full_page=False)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", ["home", "section", "article", "search", "not-found"])
def test_reader_pages_on_phone_and_desktop_pass_axe(new_page, paper, screenshot, name, viewport):
    page = new_page(VIEWPORTS[viewport])
    url = public_urls(paper).get(name, "/لا-يوجد-هذا-الخبر/")
    response = page.goto(url)
    assert response.status == (404 if name == "not-found" else 200)
    if name == "not-found":
        expect(page.get_by_role("main").get_by_role("search")).to_be_visible()
        latest = page.get_by_role("main").get_by_role("link", name=paper.lead.headline)
        expect(latest).to_be_visible()
    screenshot(page, name)
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)
