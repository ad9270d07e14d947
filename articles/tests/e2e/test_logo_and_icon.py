"""The paper's logo and icon, uploaded in the masthead, as a reader's browser shows them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from articles.models import Masthead
from articles.tests.e2e import accessibility, html_checker
from articles.tests.e2e.conftest import PHONE, VIEWPORTS
from articles.tests.e2e.test_reader_layout import CREDIT, public_urls

THEME = "#a3141b"


def drawn_png(name: str, size: tuple[int, int]) -> SimpleUploadedFile:
    """A mark in the paper's red with a white disc, on transparency, as a designer exports."""
    width, height = size
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=height // 5, fill=(163, 20, 27))
    draw.ellipse((height // 5, height // 5, height * 4 // 5, height * 4 // 5), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def branded_paper(paper):
    masthead = Masthead.load()
    masthead.logo = drawn_png("logo.png", (640, 160))
    masthead.favicon = drawn_png("icon.png", (512, 512))
    masthead.theme_color = THEME
    masthead.save()  # no transaction around it here: the renditions are made at once
    paper.masthead = masthead
    return paper


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_uploaded_logo_and_icon_show_and_the_credit_stays(
    new_page, branded_paper, screenshot, viewport
):
    page = new_page(VIEWPORTS[viewport])
    page.goto(public_urls(branded_paper)["article"])
    banner = page.get_by_role("banner")
    logo = banner.get_by_role("img", name=branded_paper.masthead.site_name)
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert logo.evaluate("img => img.currentSrc.endsWith('.webp')")
    # The logo stands at the name's height, in its own proportions, and moved nothing.
    box = logo.bounding_box()
    assert 30 <= box["height"] <= 95
    assert box["width"] == pytest.approx(box["height"] * 4, rel=0.02)
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    expect(banner.get_by_text(CREDIT)).to_be_visible()
    home_link = banner.get_by_role("link", name=branded_paper.masthead.site_name)
    expect(home_link).to_have_attribute("href", "/")
    if viewport == "phone":
        bottom = page.locator(".site-bar").evaluate("el => el.getBoundingClientRect().bottom")
        assert bottom <= PHONE["height"] / 5
    screenshot(page, "logo", full_page=False)
    violations = accessibility.axe_violations(page)
    assert not violations, accessibility.describe(violations)

    # The icons the page names are the uploaded one's PNGs, and each answers.
    head = page.locator("head")
    icon = head.locator('link[rel="icon"][sizes="32x32"]')
    expect(icon).to_have_attribute(
        "href", f"/media/renditions/{branded_paper.masthead.favicon}/icon-32.png"
    )
    assert head.locator('link[rel="icon"][type="image/svg+xml"]').count() == 0
    for selector in ['link[rel="icon"]', 'link[rel="apple-touch-icon"]']:
        for href in head.locator(selector).evaluate_all("links => links.map(l => l.href)"):
            answer = page.request.get(href)
            assert answer.ok and answer.headers["content-type"] == "image/png", href
    expect(head.locator('meta[name="theme-color"]')).to_have_attribute("content", THEME)

    # The manifest the page links names the paper, right to left, and its icons load.
    manifest_href = head.locator('link[rel="manifest"]').evaluate("link => link.href")
    manifest = page.request.get(manifest_href)
    assert manifest.headers["content-type"] == "application/manifest+json"
    data = manifest.json()
    assert (data["name"], data["dir"], data["lang"]) == (
        branded_paper.masthead.site_name,
        "rtl",
        "ar",
    )
    for icon_entry in data["icons"]:
        assert page.request.get(icon_entry["src"]).ok, icon_entry
    shown = page.evaluate(
        """async src => { const img = new Image(); img.src = src; await img.decode();
        return [img.naturalWidth, img.naturalHeight]; }""",
        data["icons"][-1]["src"],
    )
    assert shown == [512, 512]


def test_branded_pages_are_valid_html(client, branded_paper, tmp_path):
    urls = {**public_urls(branded_paper), "not-found": "/لا-يوجد/"}
    documents = {name: client.get(url).content.decode() for name, url in urls.items()}
    errors = html_checker.nu_html_errors(documents, tmp_path)
    assert not any(errors.values()), html_checker.describe(errors)


def test_the_desk_uploads_a_logo_and_icon_in_the_masthead_and_readers_see_them_at_once(
    new_page, paper, superuser, admin_login, screenshot, tmp_path
):
    svg = tmp_path / "logo.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    logo, icon = tmp_path / "logo.png", tmp_path / "icon.png"
    logo.write_bytes(drawn_png("logo.png", (640, 160)).read())
    icon.write_bytes(drawn_png("icon.png", (512, 512)).read())
    reader = new_page(PHONE)
    reader.goto("/")  # the home page is now in the page cache, with the name as text
    expect(reader.locator(".masthead__logo")).to_have_count(0)

    desk = admin_login(new_page(), superuser)
    masthead = Masthead.load()
    desk.goto(f"/admin/articles/masthead/{masthead.pk}/change/")
    desk.locator("#id_logo").set_input_files(svg)
    desk.locator("input[name=_save]").click()
    expect(desk.locator(".errorlist")).to_contain_text("ملفات SVG غير مقبولة")
    screenshot(desk, "svg-refused")

    desk.locator("#id_logo").set_input_files(logo)
    desk.locator("#id_favicon").set_input_files(icon)
    desk.locator("#id_theme_color").fill(THEME)
    desk.locator("input[name=_continue]").click()
    expect(desk.locator(".messagelist")).to_contain_text("حُفظت التعديلات على الترويسة")
    preview = desk.locator(".field-brand_preview img")
    expect(preview).to_have_count(2)
    screenshot(desk, "masthead-with-brand")

    reader.reload()
    logo_img = reader.get_by_role("banner").get_by_role("img", name=masthead.site_name)
    expect(logo_img).to_be_visible()
    assert logo_img.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(reader.locator('meta[name="theme-color"]')).to_have_attribute("content", THEME)
    tab_icon = reader.locator('link[rel="icon"][sizes="32x32"]').evaluate("link => link.href")
    assert reader.request.get(tab_icon).ok
    screenshot(reader, "reader-sees-the-logo", full_page=False)
