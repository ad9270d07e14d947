"""No lost edits: a save over someone else's newer save is refused, and nothing typed is lost."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from articles import workflow
from articles.models import Article
from articles.tests.admin_forms import (
    article_form_data,
    change_url,
    errors_of,
    open_change_form,
    save_article,
)

pytestmark = pytest.mark.django_db


def test_second_editor_saving_an_article_changed_since_she_opened_it_is_refused(
    client_of, desk_editor, chief_user, published_article
):
    desk, chief = client_of(desk_editor), client_of(chief_user)
    desk_token = open_change_form(desk, published_article)
    chief_token = open_change_form(chief, published_article)

    first = save_article(desk, published_article, opened_at=desk_token, headline="عنوان الديسك")
    assert first.status_code == 302

    second = save_article(
        chief,
        published_article,
        opened_at=chief_token,
        headline="عنوان رئيس التحرير",
        body="<p>فقرة كتبها رئيس التحرير للتو</p>",
    )
    assert second.status_code == 200
    stored = Article.objects.get(pk=published_article.pk)
    assert stored.headline == "عنوان الديسك"  # the first save survives
    message = errors_of(second)
    assert "لم يُحفظ الخبر" in message
    assert "هالة محررة الديسك" in message  # who changed it
    assert date_format(timezone.localtime(stored.updated_at), "H:i") in message  # and when
    html = second.content.decode()
    assert "عنوان رئيس التحرير" in html  # the refused text is still in the form
    assert "فقرة كتبها رئيس التحرير للتو" in html


def test_reopening_the_article_lets_the_second_editor_save_on_the_newest_version(
    client_of, desk_editor, chief_user, published_article
):
    desk, chief = client_of(desk_editor), client_of(chief_user)
    stale = open_change_form(chief, published_article)
    save_article(desk, published_article, headline="عنوان الديسك")
    assert save_article(chief, published_article, opened_at=stale, dek="ملخص").status_code == 200
    fresh = Article.objects.get(pk=published_article.pk)
    assert save_article(chief, fresh, dek="ملخص جديد").status_code == 302
    assert Article.objects.get(pk=published_article.pk).dek == "ملخص جديد"


def test_a_workflow_move_after_opening_also_blocks_a_stale_save(
    client_of, desk_editor, reporter, reporters_draft
):
    reporter_client = client_of(reporter)
    token = open_change_form(reporter_client, reporters_draft)
    workflow.article_submit(article=reporters_draft, by=reporter)
    workflow.article_send_back(article=reporters_draft, by=desk_editor, comment="راجعي الأرقام")
    response = save_article(
        reporter_client, reporters_draft, opened_at=token, headline="نسختي القديمة"
    )
    assert response.status_code == 200
    assert "هالة محررة الديسك" in errors_of(response)
    assert Article.objects.get(pk=reporters_draft.pk).headline == reporters_draft.headline


def test_a_post_without_the_edit_token_is_refused(client_of, desk_editor, published_article):
    response = client_of(desk_editor).post(
        change_url(published_article),
        article_form_data(published_article, opened_at="", headline="بلا رمز"),
    )
    assert response.status_code == 200
    assert "لم يُحفظ الخبر" in errors_of(response)
    assert Article.objects.get(pk=published_article.pk).headline != "بلا رمز"
