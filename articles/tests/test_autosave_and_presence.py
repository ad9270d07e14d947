"""Never lose a word, know who else is there: the change form's autosave and presence endpoints."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.admin.drafts import AUTOSAVE_MAX_BYTES
from articles.models import Autosave, EditingPresence
from articles.tests.admin_forms import open_change_form, save_article

pytestmark = pytest.mark.django_db

NEW_KEY = "new-0123456789abcdef"


def autosave_url(key) -> str:
    return reverse("admin:articles_article_autosave", args=[str(key)])


def presence_url(article) -> str:
    return reverse("admin:articles_article_presence", args=[article.pk])


def test_typed_text_is_autosaved_and_offered_back_to_the_same_editor(
    client_of, reporters_draft, reporter
):
    client = client_of(reporter)
    typed = {"headline": "عنوان لم يُحفظ", "body": "<p>فقرة <script>x</script> كتبتها للتو</p>"}
    assert client.post(autosave_url(reporters_draft.pk), typed).status_code == 200

    offered = client.get(autosave_url(reporters_draft.pk)).json()
    assert offered["fields"]["headline"] == ["عنوان لم يُحفظ"]
    assert offered["fields"]["body"] == [typed["body"]]  # raw: sanitized by the form on save
    assert offered["saved_at_display"]
    reporters_draft.refresh_from_db()
    assert reporters_draft.headline == "مسودة المراسلة"  # the story itself is untouched


def test_a_new_unsaved_story_is_autosaved_under_its_client_token(client_of, reporter):
    client = client_of(reporter)
    client.post(autosave_url(NEW_KEY), {"headline": "خبر جديد"})
    assert client.get(autosave_url(NEW_KEY)).json()["fields"]["headline"] == ["خبر جديد"]
    assert client.post(autosave_url("new-short"), {"headline": "x"}).status_code == 403


def test_another_editors_autosave_is_never_shown(client_of, desk_editor, published_article):
    desk = client_of(desk_editor)
    desk.post(autosave_url(published_article.pk), {"headline": "نص الديسك"})
    other = client_of(
        type(desk_editor).objects.create_user("second-desk", is_staff=True, is_superuser=True)
    )
    assert other.get(autosave_url(published_article.pk)).json() == {"saved_at": None}


def test_a_reporter_cannot_autosave_someone_elses_story(client_of, other_reporter, reporters_draft):
    response = client_of(other_reporter).post(autosave_url(reporters_draft.pk), {"headline": "x"})
    assert response.status_code == 403
    assert "صلاحية" in response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_stranger_is_sent_to_sign_in_and_nothing_is_stored(reporters_draft):
    response = Client().post(autosave_url(reporters_draft.pk), {"headline": "x"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not Autosave.objects.exists()


def test_autosave_keeps_the_csrf_check(reporter, reporters_draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.post(autosave_url(reporters_draft.pk), {"headline": "x"}).status_code == 403
    assert not Autosave.objects.exists()


def test_an_oversized_autosave_is_refused_in_arabic(client_of, reporter, reporters_draft):
    huge = "ك" * AUTOSAVE_MAX_BYTES
    response = client_of(reporter).post(autosave_url(reporters_draft.pk), {"body": huge})
    assert response.status_code == 413
    assert "أكبر" in response.json()["error"]
    assert not Autosave.objects.exists()


def test_discarding_removes_the_autosave(client_of, reporter, reporters_draft):
    client = client_of(reporter)
    client.post(autosave_url(reporters_draft.pk), {"headline": "x"})
    client.post(autosave_url(reporters_draft.pk), {"_discard": "1"})
    assert not Autosave.objects.exists()


def test_saving_the_story_deletes_its_autosave(client_of, desk_editor, published_article):
    client = client_of(desk_editor)
    client.post(autosave_url(published_article.pk), {"headline": "مسودة"})
    client.post(autosave_url(NEW_KEY), {"headline": "خبر آخر"})
    response = save_article(client, published_article, headline="عنوان محفوظ")
    assert response.status_code == 302
    assert list(Autosave.objects.values_list("story_key", flat=True)) == [NEW_KEY]


def test_a_refused_save_keeps_the_autosave(client_of, desk_editor, chief_user, published_article):
    desk, chief = client_of(desk_editor), client_of(chief_user)
    chief_token = open_change_form(chief, published_article)
    save_article(desk, published_article, headline="عنوان الديسك")
    chief.post(autosave_url(published_article.pk), {"headline": "عنوان رئيس التحرير"})
    refused = save_article(chief, published_article, opened_at=chief_token, headline="عنوان آخر")
    assert refused.status_code == 200
    assert Autosave.objects.filter(user=chief_user).exists()


def test_each_editor_sees_who_else_has_the_story_open(
    client_of, desk_editor, chief_user, published_article
):
    desk, chief = client_of(desk_editor), client_of(chief_user)
    assert desk.post(presence_url(published_article)).json()["others"] == []
    others_for_chief = chief.post(presence_url(published_article)).json()["others"]
    assert others_for_chief == ["هالة محررة الديسك"]
    assert desk.post(presence_url(published_article)).json()["others"] == [
        chief_user.editor_profile.name
    ]


def test_presence_expires_without_heartbeat(client_of, desk_editor, chief_user, published_article):
    desk, chief = client_of(desk_editor), client_of(chief_user)
    desk.post(presence_url(published_article))
    EditingPresence.objects.update(seen_at=EditingPresence.objects.get().seen_at.replace(year=2000))
    assert chief.post(presence_url(published_article)).json()["others"] == []


def test_leaving_the_form_ends_presence(client_of, desk_editor, published_article):
    desk = client_of(desk_editor)
    desk.post(presence_url(published_article))
    desk.post(presence_url(published_article), {"_leave": "1"})
    assert not EditingPresence.objects.exists()


def test_a_save_by_one_editor_is_announced_to_the_other(
    client_of, desk_editor, chief_user, published_article
):
    desk, chief = client_of(desk_editor), client_of(chief_user)
    chief_token = open_change_form(chief, published_article)
    assert (
        chief.post(presence_url(published_article), {"opened_at": chief_token}).json()["saved_by"]
        is None
    )
    save_article(desk, published_article, headline="عنوان الديسك")
    answer = chief.post(presence_url(published_article), {"opened_at": chief_token}).json()
    assert answer["notice"] == "حفظ هالة محررة الديسك الخبر قبل لحظات."


def test_presence_is_refused_to_a_reporter_who_may_not_edit(
    client_of, other_reporter, reporters_draft
):
    assert client_of(other_reporter).post(presence_url(reporters_draft)).status_code == 403
