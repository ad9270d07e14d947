"""Corrections, clarifications and updates in the open (issue 24, point 1)."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Correction
from articles.tests.admin_forms import article_form_data, change_url, open_change_form
from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory, CorrectionFactory
from articles.tests.test_query_counts import BUDGETS, queries_for
from staff.models import AuditEntry

Kind, Placement = Correction.Kind, Correction.Placement
CORRECTIONS_URL = "/corrections/"


def json_ld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1))


def add(article, by, **kwargs):
    values = {"kind": Kind.CORRECTION, "text": "صُحّح عدد الضحايا: ثلاثة لا أربعة."}
    return workflow.correction_add(article=article, by=by, **{**values, **kwargs})


# The service ------------------------------------------------------------------------------


def test_a_reporter_may_not_publish_a_correction(published_article, reporter):
    with pytest.raises(PermissionDenied, match="محرري الديسك"):
        add(published_article, reporter)
    assert not Correction.objects.exists()
    refusal = AuditEntry.objects.get(kind=AuditEntry.PERMISSION_REFUSED)
    assert refusal.detail["move"] == "correction_add"


def test_the_desk_adds_a_note_kept_in_the_storys_history_and_the_audit_trail(
    published_article, desk_editor
):
    note = add(published_article, desk_editor, kind=Kind.CLARIFICATION)

    assert note.created_by == desk_editor
    version = Version.objects.get_for_object(published_article).first()
    assert version.revision.comment == "أُضيف توضيح"
    assert version.revision.user == desk_editor
    # The story's version carries its notes.
    assert version.revision.version_set.filter(content_type__model="correction").count() == 1
    entry = AuditEntry.objects.get(kind=AuditEntry.WORKFLOW_MOVE)
    assert (entry.detail["move"], entry.detail["label"]) == ("correction", "أُضيف توضيح")


def test_the_chief_may_publish_a_correction(published_article, chief_user):
    assert add(published_article, chief_user).pk


def test_a_note_goes_only_on_a_published_story(draft_article, desk_editor):
    with pytest.raises(ValidationError):
        add(draft_article, desk_editor)


def test_a_note_is_cleaned_like_a_body_and_plain_text_becomes_paragraphs(
    published_article, desk_editor
):
    note = add(published_article, desk_editor, text='سطر أول\n<script>alert("x")</script>')
    assert "<script" not in note.text
    rich = add(published_article, desk_editor, text='<p onclick="x()">نص <b>مهم</b></p>')
    assert rich.text == "<p>نص <b>مهم</b></p>"
    plain = add(published_article, desk_editor, text="الرقم الصحيح ٣ < ٤")
    assert plain.text == "<p>الرقم الصحيح ٣ &lt; ٤</p>"


def test_the_storys_modified_time_follows_the_newest_note(published_article, desk_editor):
    later = timezone.now() - timedelta(minutes=5)
    add(published_article, desk_editor, noted_at=later)
    published_article.refresh_from_db()
    assert published_article.revised_at == later
    assert published_article.was_updated_after_publication


def test_changing_and_deleting_a_note_go_through_the_desk(published_article, desk_editor, reporter):
    note = add(published_article, desk_editor)
    with pytest.raises(PermissionDenied):
        workflow.correction_change(correction=note, by=reporter, text="غير مسموح")
    workflow.correction_change(correction=note, by=desk_editor, kind=Kind.UPDATE)
    assert Correction.objects.get().kind == Kind.UPDATE
    with pytest.raises(PermissionDenied):
        workflow.correction_delete(correction=note, by=reporter)
    workflow.correction_delete(correction=note, by=desk_editor)
    assert not Correction.objects.exists()
    comments = [v.revision.comment for v in Version.objects.get_for_object(published_article)]
    assert comments[:3] == ["حُذف تحديث", "عُدّل تحديث", "أُضيف تصحيح"]


# The story's page -------------------------------------------------------------------------


def test_notes_show_at_the_top_or_the_bottom_of_the_story_as_placed(
    client, published_article, desk_editor
):
    add(published_article, desk_editor, text="ملاحظة في الأعلى", placement=Placement.TOP)
    add(
        published_article,
        desk_editor,
        kind=Kind.UPDATE,
        text="ملاحظة في الأسفل",
        placement=Placement.BOTTOM,
    )
    page = client.get(published_article.get_absolute_url()).content.decode()
    page = page[page.index('<article class="article">') :]  # the story, not its JSON-LD
    top, body, bottom = (
        page.index("ملاحظة في الأعلى"),
        page.index('class="article__body"'),
        page.index("ملاحظة في الأسفل"),
    )
    assert top < body < bottom
    assert 'class="article-note__kind">تصحيح<' in page
    assert 'class="article-note__kind">تحديث<' in page
    assert "حُدّث في" in page


def test_the_json_ld_carries_each_note_and_the_modified_time(
    client, published_article, desk_editor
):
    note = add(published_article, desk_editor, text="<p>الاسم الصحيح <b>أحمد</b>.</p>")
    data = json_ld(client.get(published_article.get_absolute_url()))
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "تصحيح: الاسم الصحيح أحمد.",
            "datePublished": note.noted_at.isoformat(),
        }
    ]
    published_article.refresh_from_db()
    assert data["dateModified"] == published_article.revised_at.isoformat()
    assert data["dateModified"] == note.noted_at.isoformat()


def test_a_story_without_notes_has_no_correction_in_its_json_ld(client, published_article):
    assert "correction" not in json_ld(client.get(published_article.get_absolute_url()))


def test_a_cached_page_shows_the_note_once_it_is_added(client, published_article, desk_editor):
    url = published_article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert len(cached) == 0, "the second view should come from the page cache"
    client.get(CORRECTIONS_URL)
    feed = client.get(reverse("articles:feed_atom")).content.decode()

    add(published_article, desk_editor, text="تصحيح بعد التخزين")

    assert "تصحيح بعد التخزين" in client.get(url).content.decode()
    assert "تصحيح بعد التخزين" in client.get(CORRECTIONS_URL).content.decode()
    assert client.get(reverse("articles:feed_atom")).content.decode() != feed


def test_a_note_deleted_from_the_shell_leaves_the_cached_pages(client, published_article):
    note = CorrectionFactory(article=published_article, text="ملاحظة ستُحذف")
    url = published_article.get_absolute_url()
    assert "ملاحظة ستُحذف" in client.get(url).content.decode()
    assert "ملاحظة ستُحذف" in client.get(CORRECTIONS_URL).content.decode()
    note.delete()
    assert "ملاحظة ستُحذف" not in client.get(url).content.decode()
    assert "ملاحظة ستُحذف" not in client.get(CORRECTIONS_URL).content.decode()


def test_the_feeds_updated_time_follows_the_note(client, published_article, desk_editor):
    before = published_article.updated_at
    add(published_article, desk_editor)
    published_article.refresh_from_db()
    assert published_article.updated_at > before
    feed = client.get(reverse("articles:feed_atom")).content.decode()
    assert f"<updated>{published_article.updated_at.isoformat()}</updated>" in feed


# The corrections page ---------------------------------------------------------------------


def test_the_corrections_page_lists_notes_newest_first_with_their_stories(
    client, section, masthead
):
    now = timezone.now()
    old = CorrectionFactory(
        article__section=section, text="الملاحظة الأقدم", noted_at=now - timedelta(days=2)
    )
    new = CorrectionFactory(
        article__section=section,
        kind=Kind.CLARIFICATION,
        text="الملاحظة الأحدث",
        noted_at=now - timedelta(hours=1),
    )
    page = client.get(CORRECTIONS_URL).content.decode()
    assert page.index("الملاحظة الأحدث") < page.index("الملاحظة الأقدم")
    for note in (old, new):
        assert note.article.headline in page
        assert note.article.get_absolute_url() in page or "/article/" in page
    assert "توضيح" in page


def test_notes_of_drafts_scheduled_and_withdrawn_stories_never_show(
    client, section, masthead, desk_editor
):
    CorrectionFactory(article__section=section, text="ملاحظة خبر منشور")
    CorrectionFactory(article=ArticleFactory(section=section, draft=True), text="ملاحظة مسودة")
    CorrectionFactory(article=ArticleFactory(section=section, scheduled=True), text="ملاحظة مجدول")
    withdrawn = ArticleFactory(section=section)
    add(withdrawn, desk_editor, text="ملاحظة خبر سُحب")
    assert "ملاحظة خبر سُحب" in client.get(CORRECTIONS_URL).content.decode()
    workflow.article_withdraw(article=withdrawn, by=desk_editor)

    page = client.get(CORRECTIONS_URL).content.decode()
    assert "ملاحظة خبر منشور" in page
    for hidden in ("ملاحظة مسودة", "ملاحظة مجدول", "ملاحظة خبر سُحب"):
        assert hidden not in page


def test_the_corrections_page_is_paginated_and_linked_from_the_footer(
    client, section, masthead, settings
):
    settings.NEWSROOM_SECTION_PAGE_SIZE = 2
    for number in range(3):
        CorrectionFactory(article__section=section, text=f"ملاحظة رقم {number}")
    first = client.get(CORRECTIONS_URL)
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["corrections"]) == 2
    assert 'href="/corrections/"' in client.get("/").content.decode()
    assert client.get(CORRECTIONS_URL + "?page=2").status_code == 200


def test_the_corrections_page_costs_the_same_queries_however_many_notes(client, section, masthead):
    CorrectionFactory(article__section=section)
    small = queries_for(client, CORRECTIONS_URL)
    for article in ArticleFactory.create_batch(5, section=section):
        CorrectionFactory.create_batch(4, article=article)
    large = queries_for(client, CORRECTIONS_URL)
    assert large == small
    assert small <= BUDGETS["corrections"]


def test_the_article_page_costs_the_same_queries_however_many_notes(
    client, published_article, desk_editor
):
    url = published_article.get_absolute_url()
    none = queries_for(client, url)
    for placement in (Placement.TOP, Placement.BOTTOM) * 3:
        CorrectionFactory(article=published_article, placement=placement)
    empty_every_cache()
    assert queries_for(client, url) == none <= BUDGETS["article"]


# Withdrawal -------------------------------------------------------------------------------


def test_a_withdrawn_storys_page_gives_the_desks_explanation(
    client, published_article, desk_editor
):
    workflow.article_withdraw(
        article=published_article,
        by=desk_editor,
        comment="طلب قانوني",
        explanation="سُحب الخبر لعدم دقة مصدره.",
    )
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 410
    assert "سُحب الخبر لعدم دقة مصدره." in response.content.decode()
    short = client.get(reverse("articles:short_link", kwargs={"pk": published_article.pk}))
    assert short.status_code == 410
    assert "سُحب الخبر لعدم دقة مصدره." in short.content.decode()


def test_a_withdrawal_without_explanation_shows_the_plain_gone_page(
    client, published_article, desk_editor
):
    workflow.article_withdraw(article=published_article, by=desk_editor)
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 410
    assert "توضيح من الصحيفة" not in response.content.decode()


def test_the_admins_withdraw_action_asks_for_the_explanation(
    client_of, published_article, desk_editor
):
    client = client_of(desk_editor)
    url = reverse("admin:articles_article_changelist")
    data = {"action": "withdraw_selected", "_selected_action": [published_article.pk]}
    asked = client.post(url, data)
    assert 'name="explanation"' in asked.content.decode()
    client.post(url, {**data, "apply": "1", "explanation": "توضيح من القائمة"})
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.WITHDRAWN
    assert published_article.withdrawal_note == "توضيح من القائمة"


def test_the_change_forms_withdraw_carries_the_explanation(
    client_of, published_article, desk_editor
):
    client = client_of(desk_editor)
    token = open_change_form(client, published_article)
    data = article_form_data(
        published_article,
        opened_at=token,
        status=Article.Status.WITHDRAWN,
        withdrawal_explanation="توضيح من النموذج",
    )
    data.update(corrections_management(published_article))
    response = client.post(change_url(published_article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.WITHDRAWN
    assert published_article.withdrawal_note == "توضيح من النموذج"


# The admin --------------------------------------------------------------------------------


def corrections_management(article, total=0) -> dict:
    initial = article.corrections.count()
    return {
        "corrections-TOTAL_FORMS": str(initial + total),
        "corrections-INITIAL_FORMS": str(initial),
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }


def test_the_desk_adds_a_correction_in_the_article_form_through_the_service(
    client_of, published_article, desk_editor
):
    client = client_of(desk_editor)
    token = open_change_form(client, published_article)
    now = timezone.localtime()
    data = article_form_data(published_article, opened_at=token)
    data.update(corrections_management(published_article, total=1))
    data.update(
        {
            "corrections-0-article": published_article.pk,
            "corrections-0-kind": Kind.CORRECTION,
            "corrections-0-placement": Placement.TOP,
            "corrections-0-noted_at_0": now.strftime("%Y-%m-%d"),
            "corrections-0-noted_at_1": now.strftime("%H:%M:%S"),
            "corrections-0-text": "صُحّح اسم الوزير.",
        }
    )
    response = client.post(change_url(published_article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = Correction.objects.get()
    assert (note.placement, note.created_by) == (Placement.TOP, desk_editor)
    assert AuditEntry.objects.filter(
        kind=AuditEntry.WORKFLOW_MOVE, additional_data__move="correction"
    ).exists()
    version = Version.objects.get_for_object(published_article).first()
    assert "أُضيف تصحيح" in version.revision.comment


def test_a_reporter_sees_no_way_to_add_a_correction(client_of, reporter, published_article):
    CorrectionFactory(article=published_article, text="ملاحظة قائمة")
    response = client_of(reporter).get(change_url(published_article))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ملاحظة قائمة" in page  # shown, read-only
    assert 'name="corrections-0-text"' not in page
    assert 'name="corrections-__prefix__-text"' not in page


def test_a_form_posted_without_the_notes_saves_the_story_and_keeps_its_notes(
    client_of, published_article, desk_editor
):
    CorrectionFactory(article=published_article, text="ملاحظة تبقى")
    client = client_of(desk_editor)
    token = open_change_form(client, published_article)
    data = article_form_data(published_article, opened_at=token, headline="عنوان جديد")
    response = client.post(change_url(published_article), data)
    assert response.status_code == 302
    published_article.refresh_from_db()
    assert published_article.headline == "عنوان جديد"
    assert Correction.objects.get().text == "<p>ملاحظة تبقى</p>"


def test_the_storys_history_shows_and_compares_versions_with_notes_and_restore_keeps_them(
    client_of, published_article, desk_editor
):
    workflow.article_save(article=published_article, by=desk_editor, comment="قبل الملاحظة")
    note = add(published_article, desk_editor, text="ملاحظة في السجل")
    versions = list(Version.objects.get_for_object(published_article))
    newest, older = versions[0], versions[1]
    client = client_of(desk_editor)
    history = client.get(reverse("admin:articles_article_history", args=[published_article.pk]))
    assert "أُضيف تصحيح" in history.content.decode()
    for version in (newest, older):
        url = reverse("admin:articles_article_revision", args=[published_article.pk, version.pk])
        assert client.get(url).status_code == 200
    compare = reverse("admin:articles_article_compare", args=[published_article.pk])
    assert client.get(f"{compare}?old={older.pk}&new={newest.pk}").status_code == 200
    # Restoring the version before the note brings back copy, never takes a note away.
    workflow.article_restore_version(article=published_article, version=older, by=desk_editor)
    assert Correction.objects.filter(pk=note.pk).exists()


def test_a_refused_note_change_names_its_story_in_the_audit_trail(
    published_article, desk_editor, reporter
):
    note = add(published_article, desk_editor)
    with pytest.raises(PermissionDenied):
        workflow.correction_delete(correction=note, by=reporter)
    refusal = AuditEntry.objects.get(kind=AuditEntry.PERMISSION_REFUSED)
    assert published_article.headline in refusal.object_repr


def test_only_those_who_may_withdraw_are_asked_for_a_withdrawal_explanation(
    client_of, reporters_draft, reporter, desk_editor
):
    asked = 'name="withdrawal_explanation"'
    assert asked not in client_of(reporter).get(change_url(reporters_draft)).content.decode()
    assert asked in client_of(desk_editor).get(change_url(reporters_draft)).content.decode()
