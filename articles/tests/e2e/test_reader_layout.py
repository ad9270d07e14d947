"""What a reader's browser shows: layout, keyboard use, zoom, and nothing fetched from elsewhere."""

from urllib.parse import quote

import pytest
from django.utils.encoding import iri_to_uri

from articles.tests.e2e.conftest import VIEWPORTS

CREDIT = "رئيس مجلسي الإدارة والتحرير: محمد الباز"
PAGES = ["home", "section", "article", "editor", "search"]


def sections_navigation(page, viewport: str):
    """The navigation that lists the sections: on a phone, inside the menu, opened first."""
    if viewport == "phone":
        page.locator(".site-menu summary").click()
    return page.get_by_role("navigation", name="الأقسام")


def public_urls(paper) -> dict[str, str]:
    return {
        "home": "/",
        "section": paper.sections[0].get_absolute_url(),
        "article": paper.lead.get_absolute_url(),
        "editor": paper.reporter.get_absolute_url(),
        "search": "/search/?q=" + quote("باكستان"),
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_front_page_shows_masthead_credit_lead_photo_and_sections(
    new_page, paper, screenshot, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto("/")
    header = page.get_by_role("banner")
    assert CREDIT in header.inner_text()
    lead = page.get_by_role("region", name="الخبر الرئيسي")
    assert paper.lead.headline in lead.inner_text()
    lead_photo = lead.locator("img").first
    assert lead_photo.evaluate("img => img.complete && img.naturalWidth > 0")
    # On every screen the lead photo is the page's largest picture: at least the column's width.
    assert lead_photo.bounding_box()["width"] >= min(VIEWPORTS[viewport]["width"] - 40, 600)
    screenshot(page, "front-page")
    nav = sections_navigation(page, viewport)
    for section in paper.sections:
        link = nav.get_by_role("link", name=section.name)
        assert link.is_visible(), f"{section.name} is not reachable on a {viewport}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_section_link_in_the_navigation_opens_the_section_on_phone_and_desktop(
    new_page, paper, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto("/")
    section = paper.sections[2]
    sections_navigation(page, viewport).get_by_role("link", name=section.name).click()
    page.wait_for_url(f"**{section.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == section.name
    current = sections_navigation(page, viewport).locator('[aria-current="page"]')
    assert current.inner_text() == section.name


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_tapping_a_cards_picture_opens_its_story_and_its_byline_its_editor(
    new_page, paper, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto("/")
    card = page.locator("article.card").filter(has=page.locator("img")).nth(1)
    story_url = card.locator(".card__headline a").get_attribute("href")
    assert card.locator("a").count() == 2, "a card links its story once and its editor once"
    # A tap where the picture shows (the headline's link lies over the whole card).
    card.locator("img").scroll_into_view_if_needed()
    box = card.locator("img").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # The page writes the address in letters; the browser follows it percent-encoded.
    page.wait_for_url(f"**{iri_to_uri(story_url)}")
    page.go_back()
    card = page.locator("article.card").filter(has=page.locator("img")).nth(1)
    editor_url = card.locator(".byline a").first.get_attribute("href")
    card.locator(".byline a").first.click()
    page.wait_for_url(f"**{iri_to_uri(editor_url)}")


@pytest.mark.parametrize("name", PAGES)
def test_text_reflows_at_200_percent_zoom_without_sideways_scrolling(new_page, paper, name):
    # A 640px-wide window zoomed to 200% lays out at 320 CSS pixels (WCAG 1.4.10 reflow).
    page = new_page({"width": 320, "height": 640}, device_scale_factor=2)
    page.goto(public_urls(paper)[name])
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow}px of sideways scrolling at 320 CSS px"


def test_skip_link_is_the_first_tab_stop_and_lands_on_the_main_content(page, paper):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "تخطَّ إلى المحتوى"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_keyboard_focus_is_visible_on_every_kind_of_link(page, paper):
    page.goto("/")
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement, style = getComputedStyle(el);
                const region = el.closest('header, nav, main, footer');
                return {
                    region: region ? region.tagName : el.tagName,
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                    text: el.textContent.trim().slice(0, 40),
                };
            }"""
        )
        assert focused["outline"], f"no visible focus on «{focused['text']}»"
        seen.add(focused["region"])
    assert {"HEADER", "NAV", "MAIN"} <= seen


@pytest.mark.parametrize("name", PAGES)
def test_page_has_one_banner_navigation_main_and_footer_landmark(page, paper, name):
    page.goto(public_urls(paper)[name])
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.get_by_role("navigation", name="الأقسام").count() == 1


def test_images_do_not_shift_the_layout_as_they_load(new_page, paper):
    page = new_page(VIEWPORTS["phone"])
    # Slow every photo down, so the page lays out long before any of them arrives.
    page.route("**/media/**", lambda route: (page.wait_for_timeout(300), route.continue_()))
    page.add_init_script(
        """window.__shift = 0;
        new PerformanceObserver(list => {
            for (const shift of list.getEntries()) {
                if (!shift.hadRecentInput) window.__shift += shift.value;
            }
        }).observe({type: 'layout-shift', buffered: true});"""
    )
    page.goto("/", wait_until="domcontentloaded")
    page.wait_for_load_state("load")
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__shift") < 0.01


def test_article_page_prints_without_navigation_and_footer(page, paper):
    page.goto(paper.lead.get_absolute_url())
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="الأقسام").is_visible()
    assert not page.get_by_role("contentinfo").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".article__body").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
