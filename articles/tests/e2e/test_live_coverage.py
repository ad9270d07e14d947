"""Live coverage in a real browser: a reader's open page of a live story shows, by itself and
within 15 seconds, an entry the desk posts afterwards in the live desk, loses one the desk
deletes and follows an edit; the page is never reloaded, and a failed request loses nothing."""

import time

from playwright.sync_api import expect

from articles import live
from articles.models import LiveEntry
from articles.tests.e2e import accessibility, html_checker
from articles.tests.e2e.admin_ui import ckeditor_focus, ckeditor_type
from articles.tests.e2e.conftest import VIEWPORTS
from articles.tests.factories import ArticleFactory

FIRST = "افتتح رئيس المجلس الجلسة في موعدها بحضور ثلثي الأعضاء."
NEW = "أقر المجلس مشروع القانون بأغلبية الأعضاء."
WITHIN_MS = 15_000


def test_a_readers_open_live_page_shows_the_desks_new_entry_unprompted(
    new_page, desk_account, admin_login, screenshot, paper
):
    story = ArticleFactory(
        section=paper.sections[0],
        headline="مجلس النواب يناقش قانون الإيجار القديم",
        body="<p>تتابع الصحيفة جلسة المجلس لحظة بلحظة.</p>",
    )
    live.live_start(article=story, by=desk_account)
    first = live.live_entry_post(article=story, by=desk_account, body=f"<p>{FIRST}</p>")

    reader = new_page()
    reader.goto(story.get_absolute_url())
    expect(reader.locator(".live-badge--header")).to_contain_text("مباشر")
    entries = reader.locator("[data-live-entries]")
    expect(entries).to_contain_text(FIRST)
    reader.evaluate("window.newsroomNotReloaded = true")
    screenshot(reader, "reader-opens-the-live-story")

    # The desk posts from the story's live desk, in CKEditor.
    desk = new_page()
    admin_login(desk, desk_account)
    desk.goto(f"/admin/articles/article/{story.pk}/change/")
    desk.locator("#live-desk-link").click()
    desk.locator("#live-desk-post").click()
    ckeditor_focus(desk)
    ckeditor_type(desk, NEW)
    desk.get_by_role("button", name="احفظ", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("حُفظت التدوينة")
    posted_at = time.monotonic()
    expect(desk.locator("#live-desk")).to_contain_text("التغطية جارية")
    assert LiveEntry.objects.filter(article=story, state=LiveEntry.State.PUBLISHED).count() == 2

    # The reader did nothing: the new entry arrives, newest first, and is announced.
    expect(entries).to_contain_text(NEW, timeout=WITHIN_MS)
    assert time.monotonic() - posted_at <= WITHIN_MS / 1000
    expect(entries.locator("[data-entry-id]").first).to_contain_text(NEW)
    expect(reader.locator("[data-live-announcer]")).to_contain_text("تدوينة جديدة")
    assert reader.evaluate("window.newsroomNotReloaded === true"), "the page was reloaded"
    screenshot(reader, "the-new-entry-arrives")
    screenshot(desk, "the-live-desk-after-posting")

    # A deletion reaches the open page the same way.
    live.live_entry_delete(entry=first, by=desk_account)
    deleted_at = time.monotonic()
    expect(entries).not_to_contain_text(FIRST, timeout=WITHIN_MS)
    assert time.monotonic() - deleted_at <= WITHIN_MS / 1000

    # And so does an edit, which the entry then says.
    new = LiveEntry.objects.get(article=story)
    live.live_entry_change(entry=new, by=desk_account, body=f"<p>{NEW} (بعد إعادة التصويت)</p>")
    edited_at = time.monotonic()
    expect(entries).to_contain_text("بعد إعادة التصويت", timeout=WITHIN_MS)
    assert time.monotonic() - edited_at <= WITHIN_MS / 1000
    expect(entries.locator(".live-entry__edited")).to_contain_text("عُدّلت")
    assert reader.evaluate("window.newsroomNotReloaded === true")


def test_a_live_storys_page_passes_axe_and_the_html_checker(
    new_page, client, desk_account, paper, tmp_path
):
    story = paper.lead
    live.live_start(article=story, by=desk_account)
    for number in range(3):
        live.live_entry_post(
            article=story,
            by=desk_account,
            body=f"<p>تدوينة رقم {number} مع اسم لاتيني <b>NATO</b>.</p>",
            pinned=number == 1,
        )
    ended = ArticleFactory(section=paper.sections[0], headline="تغطية انتهت")
    live.live_start(article=ended, by=desk_account)
    live.live_entry_post(article=ended, by=desk_account, body="<p>آخر ما جرى.</p>")
    live.live_end(article=ended, by=desk_account)
    urls = {"live-story": story.get_absolute_url(), "ended-live-story": ended.get_absolute_url()}
    for viewport in VIEWPORTS.values():
        page = new_page(viewport)
        for url in urls.values():
            page.goto(url)
            violations = accessibility.axe_violations(page)
            assert not violations, accessibility.describe(violations)
    documents = {name: client.get(url).content.decode() for name, url in urls.items()}
    errors = html_checker.nu_html_errors(documents, tmp_path)
    assert not any(errors.values()), html_checker.describe(errors)


def test_the_open_page_catches_up_after_failed_requests_without_losing_an_entry(
    new_page, desk_account, paper
):
    story = ArticleFactory(section=paper.sections[0], headline="فرز الأصوات في الدائرة الأولى")
    live.live_start(article=story, by=desk_account)
    live.live_entry_post(article=story, by=desk_account, body="<p>بدأ الفرز.</p>")
    reader = new_page()
    reader.goto(story.get_absolute_url())
    reader.evaluate("window.newsroomNotReloaded = true")
    entries = reader.locator("[data-live-entries]")

    # The endpoint fails (a dropped connection, a 503 from a proxy) while the desk posts twice.
    failed = []

    def fail(route):
        failed.append(route.request.url)
        route.fulfill(status=503, body="")

    reader.route("**/live/*/entries/**", fail)
    live.live_entry_post(article=story, by=desk_account, body="<p>فُرزت عشر لجان.</p>")
    live.live_entry_post(article=story, by=desk_account, body="<p>فُرزت عشرون لجنة.</p>")
    reader.wait_for_timeout(12_000)
    assert failed, "the page kept asking while the endpoint failed"
    expect(entries).not_to_contain_text("فُرزت عشر لجان")

    # The endpoint is back: both entries arrive, in order, without a reload.
    reader.unroute("**/live/*/entries/**")
    expect(entries).to_contain_text("فُرزت عشرون لجنة", timeout=25_000)
    expect(entries).to_contain_text("فُرزت عشر لجان")
    texts = entries.locator("[data-entry-id]").all_inner_texts()
    assert ["عشرون" in texts[0], "عشر لجان" in texts[1], "بدأ الفرز" in texts[2]] == [True] * 3
    assert reader.evaluate("window.newsroomNotReloaded === true")
