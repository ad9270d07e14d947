"""The article form's live counters and the lead photo's focal point, in a real browser:
typing updates the counts, clicking the photo (or the arrow keys) moves the marker, and the
saved point is where the cards are cut."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from articles.tests.e2e import admin_ui
from articles.tests.e2e.conftest import VIEWPORTS


def test_typing_updates_the_counters_and_clicking_the_photo_moves_and_saves_the_focal_point(
    new_page, superuser, admin_login, screenshot, paper
):
    story = paper.lead
    page = new_page(VIEWPORTS["desktop"])
    admin_login(page, superuser)
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    headline = page.get_by_label("العنوان:", exact=True)
    counter = page.locator("#counter-headline")
    headline.fill("الناتو يزور القاهرة")
    expect(counter).to_contain_text("19 حرفًا")
    expect(counter).to_contain_text("70")
    expect(counter).not_to_have_class(re.compile("newsroom-counter--over"))
    headline.fill("ع" * 75)
    expect(counter).to_contain_text("75 حرفًا")
    expect(counter).to_have_class(re.compile("newsroom-counter--over"))
    headline.fill("الأمين العام للناتو يزور القاهرة")

    # The paper's body: «فقرة أولى من متن الخبر. فقرة فيها تفاصيل.», eight words.
    words = page.locator("#counter-body")
    expect(words).to_have_text("8 كلمات · قراءة دقيقة واحدة")
    admin_ui.ckeditor_focus(page)
    page.keyboard.press("Control+End")
    admin_ui.ckeditor_type(page, " وثلاث كلمات أخرى")
    expect(words).to_have_text("11 كلمة · قراءة دقيقة واحدة")

    # The focal point: a click on the photo, then one step right from the keyboard.
    frame = page.locator(".focal-picker__frame")
    expect(frame).to_be_visible()
    page.wait_for_function("() => document.querySelector('.focal-picker__image').naturalWidth > 0")
    box = frame.bounding_box()
    frame.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.3})
    marker = page.locator(".focal-picker__marker")
    left = marker.evaluate("m => parseFloat(m.style.left)")
    assert left == pytest.approx(20, abs=1.5)
    expect(frame).to_be_focused()
    page.keyboard.press("ArrowRight")
    assert marker.evaluate("m => parseFloat(m.style.left)") == pytest.approx(left + 5, abs=0.1)
    expect(page.locator("#focal-picker-value")).to_contain_text("من اليسار")
    screenshot(page, "counters-and-focal-point")

    page.get_by_role("button", name="احفظ", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    saved = Article.objects.get(pk=story.pk)
    assert saved.focal_x == pytest.approx(0.25, abs=0.02)
    assert saved.focal_y == pytest.approx(0.3, abs=0.02)
    crop = f"card-f{saved.focal[0]}x{saved.focal[1]}-"

    reader = new_page(VIEWPORTS["desktop"])
    reader.goto("/")
    card_image = reader.locator(".card--lead .card__image img").first
    expect(card_image).to_have_attribute("src", re.compile(re.escape(crop)))
    assert card_image.evaluate("img => img.complete && img.naturalWidth > 0")
