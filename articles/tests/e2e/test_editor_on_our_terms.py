"""CKEditor 4 on our terms, in a real browser: an English paragraph marked left-to-right,
photos that fit the editing area, and no caption placeholder under a photo on the page."""

import re

from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from articles.tests.e2e import admin_ui
from articles.tests.e2e.conftest import VIEWPORTS

HEADLINE = "الأمين العام للناتو يزور القاهرة"
QUOTE = "NATO stands with its partners"
PUBLISH = "منشور (نشر)"


def test_desk_marks_an_english_quote_left_to_right_and_readers_get_it_without_placeholder(
    new_page, desk_account, admin_login, screenshot, paper, tmp_path
):
    page = new_page(VIEWPORTS["desktop"])
    admin_login(page, desk_account)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("العنوان:", exact=True).fill(HEADLINE)

    admin_ui.ckeditor_focus(page)
    admin_ui.ckeditor_type(page, "قال الأمين العام في مؤتمر صحفي:")
    page.keyboard.press("Enter")
    page.locator("a.cke_button__bidiltr").click()
    admin_ui.ckeditor_type(page, QUOTE)
    page.keyboard.press("Enter")
    page.locator("a.cke_button__bidirtl").click()

    # A photo far wider than the editing area, captioned, its caption left as the editor
    # wrote it («تسمية»).
    wide = tmp_path / "wide.jpg"
    Image.new("RGB", (1600, 500), (30, 90, 140)).save(wide, format="JPEG", quality=85)
    admin_ui.ckeditor_upload_image(
        page,
        wide,
        "قاعة المؤتمر",
        on_dialog=lambda dialog: dialog.get_by_role("checkbox", name="صورة ذات اسم").check(),
    )
    body = admin_ui.ckeditor_body(page)
    expect(body.locator("figcaption")).to_have_text("تسمية")
    fits = body.get_by_role("img", name="قاعة المؤتمر").evaluate(
        "img => img.getBoundingClientRect().width <= img.ownerDocument.body.clientWidth"
    )
    assert fits, "the photo overflows the editing area"
    screenshot(page, "editor-ltr-quote-and-wide-photo")

    html = admin_ui.ckeditor_html(page)
    assert re.search(rf'<p dir="ltr">{QUOTE}</p>', html)

    admin_ui.choose_autocomplete(page, "id_section", paper.sections[0].name)
    page.get_by_label("الحالة:", exact=True).select_option(label=PUBLISH)
    page.get_by_role("button", name="احفظ", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_contain_text("أُنشئ الخبر")

    article = Article.objects.get(headline=HEADLINE)
    assert article.is_published
    reader = new_page(VIEWPORTS["phone"])
    reader.goto(article.get_absolute_url())
    story = reader.locator(".article__body")
    expect(story.locator('p[dir="ltr"]')).to_have_text(QUOTE)
    expect(story.get_by_role("img", name="قاعة المؤتمر")).to_be_visible()
    assert "تسمية" not in story.inner_text()
    assert story.locator("figcaption").count() == 0
    screenshot(reader, "reader-article-with-ltr-quote")
