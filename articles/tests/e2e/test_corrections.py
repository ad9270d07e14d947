"""Corrections in the open, in a real browser: the desk adds one to a published story in the
article form, and the story's page shows it where it was placed and carries it in its JSON-LD."""

import json

from playwright.sync_api import expect

from articles import workflow
from articles.models import Correction
from articles.tests.e2e import accessibility, html_checker
from articles.tests.e2e.conftest import VIEWPORTS
from articles.tests.factories import ArticleFactory

NOTE = "صُحّح عدد المصابين في الفقرة الثانية: اثنا عشر لا عشرون."


def test_the_desk_adds_a_correction_and_it_appears_with_its_json_ld(
    new_page, desk_account, admin_login, screenshot, paper
):
    story = ArticleFactory(
        section=paper.sections[0],
        headline="حادث تصادم على الطريق الدائري",
        body="<p>وقع الحادث صباح اليوم قرب مدخل المدينة.</p>",
    )
    page = new_page()
    admin_login(page, desk_account)
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    # The inline of notes: one more, a correction placed at the top of the story.
    inline = page.locator("#corrections-group")
    page.locator("#corrections-group .add-row a").click()
    note = inline.locator(".inline-related:not(.empty-form)").last
    note.get_by_label("النوع:").select_option(label="تصحيح")
    note.get_by_label("الموضع:").select_option(label="أعلى الخبر")
    note.get_by_label("النص:").fill(NOTE)
    screenshot(page, "desk-adds-a-correction")
    page.get_by_role("button", name="احفظ", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("حُفظت التعديلات")

    saved = Correction.objects.get(article=story)
    assert (saved.kind, saved.placement, saved.created_by) == (
        Correction.Kind.CORRECTION,
        Correction.Placement.TOP,
        desk_account,
    )

    # The reader's page: the note above the story's body, with its kind and date.
    page.goto(story.get_absolute_url())
    top = page.locator(".article-notes--top .article-note")
    expect(top).to_contain_text("تصحيح")
    expect(top).to_contain_text(NOTE)
    above_body = page.evaluate(
        """() => {
            const note = document.querySelector('.article-notes--top');
            const body = document.querySelector('.article__body');
            return Boolean(note.compareDocumentPosition(body) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert above_body
    expect(page.locator(".article__revised")).to_contain_text("حُدّث في")
    screenshot(page, "reader-sees-the-correction")

    data = json.loads(page.locator('script[type="application/ld+json"]').first.inner_text())
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": f"تصحيح: {NOTE}",
            "datePublished": saved.noted_at.isoformat(),
        }
    ]
    assert data["dateModified"] == saved.noted_at.isoformat()

    # And the public corrections page lists it with its story.
    page.goto("/corrections/")
    expect(page.locator(".corrections-list")).to_contain_text(NOTE)
    expect(page.get_by_role("link", name="حادث تصادم على الطريق الدائري")).to_be_visible()


def test_pages_with_notes_pass_axe_and_the_html_checker(
    new_page, client, desk_account, paper, tmp_path
):
    story = paper.lead
    for kind, placement in [
        (Correction.Kind.CORRECTION, Correction.Placement.TOP),
        (Correction.Kind.CLARIFICATION, Correction.Placement.BOTTOM),
        (Correction.Kind.UPDATE, Correction.Placement.BOTTOM),
    ]:
        workflow.correction_add(
            article=story,
            by=desk_account,
            kind=kind,
            placement=placement,
            text="<p>نص الملاحظة مع اسم لاتيني <b>NATO</b> ورقم 2026.</p>",
        )
    withdrawn = ArticleFactory(section=paper.sections[0])
    workflow.article_withdraw(article=withdrawn, by=desk_account, explanation="سُحب لخطأ في المصدر.")
    urls = {
        "article-with-notes": story.get_absolute_url(),
        "corrections": "/corrections/",
        "gone-with-explanation": withdrawn.get_absolute_url(),
    }
    for viewport in VIEWPORTS.values():
        page = new_page(viewport)
        for url in urls.values():
            page.goto(url)
            violations = accessibility.axe_violations(page)
            assert not violations, accessibility.describe(violations)
    documents = {name: client.get(url).content.decode() for name, url in urls.items()}
    errors = html_checker.nu_html_errors(documents, tmp_path)
    assert not any(errors.values()), html_checker.describe(errors)
