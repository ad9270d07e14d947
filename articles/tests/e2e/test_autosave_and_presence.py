"""In the browser: an editor never loses a word, and sees who else has the story open."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from articles.models import Autosave
from articles.tests.e2e import admin_ui
from articles.tests.e2e.conftest import PASSWORD, VIEWPORTS
from articles.tests.factories import ArticleFactory


@pytest.fixture
def draft(paper, reporter_account):
    """Asked for first by each test, so the browsers close before the database is flushed."""
    return ArticleFactory(
        section=paper.sections[0],
        draft=True,
        authors=[reporter_account.editor_profile],
        headline="مسودة عن موازنة المحافظات",
        body="<p>الفقرة الأولى.</p>",
    )


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def type_in_body(page, text):
    admin_ui.ckeditor_focus(page)
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    admin_ui.ckeditor_type(page, text)


def wait_for_autosave(page, article, user, text):
    """Poll the stored autosave while the page runs on (a bare sleep would stall it)."""

    def saved():
        row = Autosave.objects.filter(user=user, story_key=str(article.pk)).first()
        return row is not None and text in row.fields.get("body", [""])[0]

    for _ in range(60):
        if saved():
            return
        page.wait_for_timeout(250)
    raise AssertionError("the typed text was never autosaved")


def wait_for_the_restore_in_the_audit_trail(page, user):
    """The form tells the server of a restore in the background (staff's audit trail)."""
    from staff.models import AuditEntry

    for _ in range(40):
        if AuditEntry.objects.filter(
            kind=AuditEntry.AUTOSAVE_RESTORED, username=user.get_username()
        ).exists():
            return
        page.wait_for_timeout(250)
    raise AssertionError("the restore was never recorded in the audit trail")


def test_typed_text_is_autosaved_and_offered_back_after_reload(
    draft, new_page, reporter_account, admin_login
):
    page = admin_login(new_page(VIEWPORTS["desktop"]), reporter_account)
    page.goto(change_url(draft))
    type_in_body(page, "فقرة كتبتها قبل أن ينقطع التيار.")
    wait_for_autosave(page, draft, reporter_account, "فقرة كتبتها قبل أن ينقطع التيار.")

    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    offer = page.locator("#newsroom-autosave-offer")
    expect(offer).to_contain_text("لديك نسخة محفوظة تلقائيًا من")
    expect(offer).to_contain_text("هل تريد استعادتها؟")
    expect(admin_ui.ckeditor_body(page)).not_to_contain_text("قبل أن ينقطع التيار")
    offer.get_by_role("button", name="استعادة").click()
    expect(admin_ui.ckeditor_body(page)).to_contain_text("فقرة كتبتها قبل أن ينقطع التيار.")
    wait_for_the_restore_in_the_audit_trail(page, reporter_account)

    page.get_by_role("button", name="احفظ", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    draft.refresh_from_db()
    assert "قبل أن ينقطع التيار" in draft.body
    assert not Autosave.objects.exists()  # saving the story deletes its autosave


def test_leaving_with_unsaved_changes_asks_first(draft, new_page, reporter_account, admin_login):
    page = admin_login(new_page(VIEWPORTS["desktop"]), reporter_account)
    page.goto(change_url(draft))
    page.get_by_label("الملخص:", exact=True).fill("ملخص لم يُحفظ بعد")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator("#site-name a").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert re.search(r"/change/$", page.url)
    expect(page.get_by_label("الملخص:", exact=True)).to_have_value("ملخص لم يُحفظ بعد")


def test_save_after_the_session_expired_brings_the_editor_back_to_the_text(
    draft, new_page, reporter_account, admin_login
):
    page = admin_login(new_page(VIEWPORTS["desktop"]), reporter_account)
    page.goto(change_url(draft))
    type_in_body(page, "سطر كتبته والجلسة منتهية.")
    wait_for_autosave(page, draft, reporter_account, "سطر كتبته والجلسة منتهية.")

    # The session expires while she types: its cookie goes, the CSRF cookie stays.
    kept = [c for c in page.context.cookies() if c["name"] != settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.get_by_role("button", name="احفظ", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/login/\?next="))
    page.get_by_label("اسم المستخدم").fill(reporter_account.get_username())
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.locator("input[type=submit]").click()

    page.wait_for_url(re.compile(rf"/admin/articles/article/{draft.pk}/change/$"))
    page.locator("#newsroom-autosave-offer").get_by_role("button", name="استعادة").click()
    expect(admin_ui.ckeditor_body(page)).to_contain_text("سطر كتبته والجلسة منتهية.")
    # Not left running into the next test: the form's background report of the restore.
    wait_for_the_restore_in_the_audit_trail(page, reporter_account)


def test_two_editors_see_each_other_and_a_save_is_announced(
    draft, new_page, reporter_account, desk_account, admin_login
):
    reporter = admin_login(new_page(VIEWPORTS["desktop"]), reporter_account)
    reporter.goto(change_url(draft))
    desk = admin_login(new_page(VIEWPORTS["desktop"]), desk_account)
    desk.goto(change_url(draft))

    expect(desk.locator("#newsroom-presence")).to_contain_text("سلمى المراسلة", timeout=12_000)
    expect(reporter.locator("#newsroom-presence")).to_contain_text(
        "هالة محررة الديسك", timeout=12_000
    )

    desk.get_by_label("العنوان:", exact=True).fill("موازنة المحافظات: زيادة للتعليم")
    desk.get_by_role("button", name="احفظ", exact=True).click()
    expect(desk.locator(".messagelist .success").first).to_be_visible()
    expect(reporter.locator("#newsroom-presence")).to_contain_text(
        "حفظ هالة محررة الديسك الخبر قبل لحظات", timeout=12_000
    )
