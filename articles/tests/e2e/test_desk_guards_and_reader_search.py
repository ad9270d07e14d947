"""In the browser: two people on one story lose nothing, readers find stories however they spell
them, and a story the desk withdraws is gone (410) for readers."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from articles.tests.e2e import admin_ui
from articles.tests.e2e.conftest import VIEWPORTS
from articles.tests.factories import ArticleFactory


def test_second_save_of_the_same_story_is_refused_naming_who_saved_and_keeps_the_typed_text(
    new_page, reporter_account, desk_account, admin_login, screenshot, paper
):
    draft = ArticleFactory(
        section=paper.sections[0],
        draft=True,
        authors=[reporter_account.editor_profile],
        headline="مسودة عن موازنة المحافظات",
        body="<p>الفقرة الأولى كما كتبتها المراسلة.</p>",
    )
    change_url = f"/admin/articles/article/{draft.pk}/change/"

    # The reporter opens her draft; the desk editor opens it too, in her own browser.
    reporter = new_page(VIEWPORTS["desktop"])
    admin_login(reporter, reporter_account)
    reporter.goto(change_url)
    desk = new_page(VIEWPORTS["desktop"])
    admin_login(desk, desk_account)
    desk.goto(change_url)

    # The desk saves first: a sharper headline.
    desk.get_by_label("العنوان:", exact=True).fill("موازنة المحافظات: زيادة 12% للتعليم")
    desk.get_by_role("button", name="احفظ", exact=True).click()
    expect(desk.locator(".messagelist .success").first).to_be_visible()
    draft.refresh_from_db()
    saved_by_desk_at = timezone.localtime(draft.updated_at)

    # The reporter, still on the page she opened before, adds a paragraph and a new dek.
    admin_ui.ckeditor_focus(reporter)
    reporter.keyboard.press("Control+End")
    reporter.keyboard.press("Enter")
    admin_ui.ckeditor_type(reporter, "فقرة جديدة أضافتها المراسلة من الميدان.")
    reporter.get_by_label("الملخص:", exact=True).fill("ملخص كتبته المراسلة بعد فتح الخبر.")
    reporter.get_by_role("button", name="احفظ", exact=True).click()

    # Refused, in Arabic, naming who saved and when; her words are all still in the form.
    refusal = reporter.locator(".errorlist.nonfield")
    expect(refusal).to_contain_text("لم يُحفظ الخبر")
    expect(refusal).to_contain_text("هالة محررة الديسك")
    expect(refusal).to_contain_text(saved_by_desk_at.strftime("%H:%M"))
    expect(admin_ui.ckeditor_body(reporter)).to_contain_text("فقرة جديدة أضافتها المراسلة")
    expect(reporter.get_by_label("الملخص:", exact=True)).to_have_value(
        "ملخص كتبته المراسلة بعد فتح الخبر."
    )
    reporter.evaluate("() => window.scrollTo(0, 0)")
    screenshot(reporter, "second-save-refused-text-kept", full_page=False)

    # The desk's save stands; nothing of the refused save reached the database.
    draft.refresh_from_db()
    assert draft.headline == "موازنة المحافظات: زيادة 12% للتعليم"
    assert "فقرة جديدة" not in draft.body
    assert timezone.localtime(draft.updated_at) == saved_by_desk_at


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_reader_finds_stories_spelled_differently_from_the_query(
    new_page, paper, screenshot, viewport
):
    now = timezone.now()
    council = ArticleFactory(
        section=paper.sections[0],
        headline="اجتماع مشترك لأعضاء مجلسى النواب والشيوخ لمناقشة الموازنة",
        published_at=now - timedelta(minutes=30),
    )
    ocean = ArticleFactory(
        section=paper.sections[1],
        headline="مناورات بحرية في شمال المحيط الأطلنطي بمشاركة عشر دول",
        published_at=now - timedelta(minutes=20),
    )
    ArticleFactory(
        section=paper.sections[1], draft=True, headline="مسودة عن مجلسى المحافظة لا يراها القارئ"
    )

    page = new_page(VIEWPORTS[viewport])
    page.goto("/")
    # From the header's search box (on a phone, in the menu): the reader writes «مجلسي», the
    # paper wrote «مجلسى».
    if viewport == "phone":
        page.locator(".site-menu summary").click()
    page.get_by_role("search").get_by_label("ابحث في الموقع").fill("مجلسي")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name=council.headline)).to_be_visible()
    expect(results.locator("mark").first).to_have_text("مجلسى")
    expect(results).not_to_contain_text("مسودة عن مجلسى")
    screenshot(page, "search-majlisi-finds-majlisa")

    # From the search page itself: «الاطلنطي» without hamza finds «الأطلنطي».
    box = page.get_by_role("main").get_by_label("كلمات البحث")
    box.fill("الاطلنطي")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=%D8%A7%D9%84%D8%A7%D8%B7"))
    expect(results.get_by_role("link", name=ocean.headline)).to_be_visible()
    expect(results.get_by_role("link", name=council.headline)).to_have_count(0)
    screenshot(page, "search-atlantic-without-hamza")

    results.get_by_role("link", name=ocean.headline).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ocean.headline)


def test_story_withdrawn_by_the_desk_answers_410_gone_to_readers(
    new_page, desk_account, admin_login, screenshot, paper
):
    story = paper.stories[2]
    reader = new_page(VIEWPORTS["phone"])
    assert reader.goto(story.get_absolute_url()).status == 200  # read, and cached, before

    # The desk withdraws it with the list action, giving a reason.
    desk = new_page(VIEWPORTS["desktop"])
    admin_login(desk, desk_account)
    desk.goto("/admin/articles/article/")
    desk.locator(f"input.action-select[value='{story.pk}']").check()
    desk.locator("select[name=action]").select_option(label="سحب المحدد من النشر…")
    desk.locator("button[name=index]").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("سحب الأخبار من النشر")
    desk.get_by_label("السبب (يُحفظ في سجل الخبر):").fill("خطأ في الأرقام المنشورة")
    screenshot(desk, "desk-withdraws-with-a-reason")
    desk.get_by_role("button", name="سحب الأخبار من النشر").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("سُحب: خبر واحد.")
    story.refresh_from_db()
    assert story.status == Article.Status.WITHDRAWN

    # The reader's next visit: 410 Gone with an Arabic page, and the story is off the front page.
    response = reader.goto(story.get_absolute_url())
    assert response.status == 410
    expect(reader.get_by_role("heading", level=1)).to_have_text("سُحب هذا الخبر")
    assert "رئيس مجلسي الإدارة والتحرير" in reader.get_by_role("banner").inner_text()
    screenshot(reader, "reader-gets-410")
    reader.goto("/")
    expect(reader.get_by_role("main").get_by_role("link", name=story.headline)).to_have_count(0)
