"""Live coverage in a real browser: a reader's open page of a live story shows, by itself and
within 15 seconds, an entry the desk posts afterwards in the live desk, and loses one the desk
deletes; the page is never reloaded."""

import time

from playwright.sync_api import expect

from articles import live
from articles.models import LiveEntry
from articles.tests.e2e.admin_ui import ckeditor_focus, ckeditor_type
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
    assert LiveEntry.objects.filter(article=story, state=LiveEntry.State.PUBLISHED).count() == 2

    # The reader did nothing: the new entry arrives, newest first, and is announced.
    expect(entries).to_contain_text(NEW, timeout=WITHIN_MS)
    assert time.monotonic() - posted_at <= WITHIN_MS / 1000
    expect(entries.locator("[data-entry-id]").first).to_contain_text(NEW)
    expect(reader.locator("[data-live-announcer]")).to_contain_text("تدوينة جديدة")
    assert reader.evaluate("window.newsroomNotReloaded === true"), "the page was reloaded"
    screenshot(reader, "the-new-entry-arrives")

    # A deletion reaches the open page the same way.
    live.live_entry_delete(entry=first, by=desk_account)
    deleted_at = time.monotonic()
    expect(entries).not_to_contain_text(FIRST, timeout=WITHIN_MS)
    assert time.monotonic() - deleted_at <= WITHIN_MS / 1000
    assert reader.evaluate("window.newsroomNotReloaded === true")
