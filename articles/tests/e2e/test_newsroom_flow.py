"""The whole story, in a real browser: a reporter writes, the desk publishes, readers find it."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from articles.tests.e2e import admin_ui
from articles.tests.e2e.conftest import VIEWPORTS

CREDIT = "رئيس مجلسي الإدارة والتحرير: محمد الباز"
HEADLINE = "افتتاح أكبر محطة لتحلية مياه البحر في العين السخنة"
SUBMIT = "قيد المراجعة (إرسال إلى المراجعة)"
PUBLISH = "منشور (نشر)"


def photo(path, color, size=(1200, 675)):
    Image.new("RGB", size, color).save(path, format="JPEG", quality=85)
    return path


def test_reporter_writes_desk_publishes_and_readers_see_it_on_phone_and_desktop(
    new_page, reporter_account, desk_account, admin_login, screenshot, paper, tmp_path
):
    section = paper.sections[1]

    # The reporter signs in and starts a story from her dashboard.
    page = new_page(VIEWPORTS["desktop"])
    admin_login(page, reporter_account)
    screenshot(page, "reporter-dashboard")
    page.locator("#queue-my-drafts").get_by_role("link", name="خبر جديد").click()
    page.wait_for_url("**/admin/articles/article/add/")
    page.get_by_label("العنوان التمهيدي:", exact=True).fill("مشروعات قومية")
    page.get_by_label("العنوان:", exact=True).fill(HEADLINE)
    page.get_by_label("الملخص:", exact=True).fill("المحطة تنتج مليون متر مكعب من المياه يوميًا.")

    # The body, written in CKEditor: plain text, a bold word, a link and an inline picture.
    admin_ui.ckeditor_focus(page)
    admin_ui.ckeditor_type(page, "افتتح رئيس الوزراء اليوم ")
    admin_ui.ckeditor_bold(page, "رسميًا")
    admin_ui.ckeditor_type(page, " المحطة الجديدة، بحسب ")
    admin_ui.ckeditor_link(page, "بيان الحكومة", "https://www.cabinet.gov.eg/")
    admin_ui.ckeditor_type(page, " الصادر صباح اليوم.")
    page.keyboard.press("Enter")
    admin_ui.ckeditor_upload_image(
        page, photo(tmp_path / "inline.jpg", (20, 80, 120), (800, 450)), "أحواض التحلية من أعلى"
    )
    page.keyboard.press("Enter")
    admin_ui.ckeditor_type(page, "وتعمل المحطة بالطاقة الشمسية في ساعات النهار.")
    body = admin_ui.ckeditor_html(page)
    assert "<strong>رسميًا</strong>" in body
    assert 'href="https://www.cabinet.gov.eg/"' in body
    assert re.search(r'<img alt="أحواض التحلية من أعلى"[^>]* src="/media/', body)
    assert "وتعمل المحطة بالطاقة الشمسية" in body
    admin_ui.ckeditor_body(page).evaluate("body => body.ownerDocument.defaultView.scrollTo(0, 0)")
    screenshot(page, "reporter-body-in-ckeditor")

    # The lead photo with its alt text, the section; her byline is already there.
    page.get_by_label("الصورة الرئيسية:", exact=True).set_input_files(
        photo(tmp_path / "lead.jpg", (150, 110, 40))
    )
    page.get_by_label("النص البديل للصورة:", exact=True).fill("محطة التحلية على ساحل البحر الأحمر")
    page.get_by_label("تعليق الصورة:", exact=True).fill("المحطة الجديدة في العين السخنة")
    page.get_by_label("مصدر الصورة:", exact=True).fill("مجلس الوزراء")
    admin_ui.choose_autocomplete(page, "id_section", section.name)
    expect(page.locator("#select2-id_bylines-0-editor-container")).to_have_text(
        re.compile("سلمى المراسلة")
    )
    # A reporter cannot publish: the only move offered is to the desk.
    status = page.get_by_label("الحالة:", exact=True)
    assert PUBLISH not in status.locator("option").all_inner_texts()
    status.select_option(label=SUBMIT)
    screenshot(page, "reporter-ready-to-submit")
    page.get_by_role("button", name="احفظ", exact=True).click()
    # Out of her hands, the story is shown to her rendered, on the preview.
    page.wait_for_url(re.compile(r"/preview/\d+/"))
    expect(page.locator(".preview-banner")).to_contain_text("أُرسل إلى المراجعة")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(page.locator(".article__body strong")).to_have_text("رسميًا")
    screenshot(page, "reporter-submitted")

    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Article.Status.REVIEW
    assert article.lead_image_alt == "محطة التحلية على ساحل البحر الأحمر"
    assert [a.name for a in article.ordered_authors()] == ["سلمى المراسلة"]
    # Not public yet: a reader who guesses the address finds nothing.
    early = new_page(VIEWPORTS["phone"])
    assert early.goto(article.get_absolute_url()).status == 404

    # The desk editor finds it waiting for review on her dashboard and publishes it.
    desk = new_page(VIEWPORTS["desktop"])
    admin_login(desk, desk_account)
    review = desk.locator("#queue-review")
    expect(review.get_by_role("link", name=HEADLINE)).to_be_visible()
    screenshot(desk, "desk-dashboard-review-queue")
    review.get_by_role("link", name=HEADLINE).click()
    desk.wait_for_url(re.compile(rf"/admin/articles/article/{article.pk}/change/"))
    expect(admin_ui.ckeditor_body(desk).locator("strong")).to_have_text("رسميًا")
    desk.get_by_label("الحالة:", exact=True).select_option(label=PUBLISH)
    screenshot(desk, "desk-ready-to-publish")
    desk.get_by_role("button", name="احفظ", exact=True).click()
    expect(desk.locator(".messagelist .success").first).to_contain_text(f"نُشر الخبر «{HEADLINE}»")
    screenshot(desk, "desk-published")
    article.refresh_from_db()
    assert article.is_published
    assert list(article.transitions.values_list("to_status", "by__username")) == [
        (Article.Status.PUBLISHED, "hala"),
        (Article.Status.REVIEW, "salma"),
    ]

    # Readers, on a phone and on a desktop, find it on the front page, its section and its page.
    for viewport_name, viewport in VIEWPORTS.items():
        reader = new_page(viewport)
        reader.goto("/")
        lead = reader.get_by_role("region", name="الخبر الرئيسي")
        expect(lead.get_by_role("link", name=HEADLINE)).to_be_visible()
        assert CREDIT in reader.get_by_role("banner").inner_text()
        screenshot(reader, f"reader-front-page-{viewport_name}")

        lead.get_by_role("link", name=HEADLINE).click()
        reader.wait_for_url(re.compile(rf"/article/{article.pk}/"))
        expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
        assert CREDIT in reader.get_by_role("banner").inner_text()
        expect(reader.locator(".article__meta")).to_contain_text("سلمى المراسلة")
        story = reader.locator(".article__body")
        expect(story.locator("strong")).to_have_text("رسميًا")
        link = story.get_by_role("link", name="بيان الحكومة")
        expect(link).to_have_attribute("href", "https://www.cabinet.gov.eg/")
        for image in [
            reader.get_by_role("img", name="محطة التحلية على ساحل البحر الأحمر"),
            story.get_by_role("img", name="أحواض التحلية من أعلى"),
        ]:
            expect(image).to_be_visible()
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
            assert image.get_attribute("width") and image.get_attribute("height")
        screenshot(reader, f"reader-article-{viewport_name}")

        reader.locator(".article__section").get_by_role("link", name=section.name).click()
        reader.wait_for_url(f"**{section.get_absolute_url()}")
        expect(reader.get_by_role("main").get_by_role("link", name=HEADLINE)).to_be_visible()
        assert CREDIT in reader.get_by_role("banner").inner_text()
        screenshot(reader, f"reader-section-{viewport_name}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_editor_cannot_publish_a_lead_photo_without_alt_text_and_keeps_the_text(
    new_page, superuser, admin_login, paper, tmp_path, viewport
):
    page = new_page(VIEWPORTS[viewport])
    admin_login(page, superuser)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("العنوان:", exact=True).fill(HEADLINE)
    admin_ui.ckeditor_focus(page)
    admin_ui.ckeditor_type(page, "نص لا يضيع إذا رُفض الحفظ.")
    page.get_by_label("الصورة الرئيسية:", exact=True).set_input_files(
        photo(tmp_path / "lead.jpg", (150, 110, 40))
    )
    admin_ui.choose_autocomplete(page, "id_section", paper.sections[0].name)
    admin_ui.choose_autocomplete(page, "id_bylines-0-editor", paper.reporter.name)
    page.get_by_role("button", name="احفظ", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-lead_image_alt .errorlist")).to_contain_text("نصًا بديلًا")
    expect(page.get_by_label("العنوان:", exact=True)).to_have_value(HEADLINE)
    expect(admin_ui.ckeditor_body(page)).to_contain_text("نص لا يضيع إذا رُفض الحفظ.")
    assert not Article.objects.filter(headline=HEADLINE).exists()
