"""Every save keeps a version; editors compare two and restore one as a new version."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.admin import history
from articles.importer import ParsedArticle, article_create_from_import
from articles.models import Article
from articles.tests.admin_forms import change_url, save_article
from articles.tests.factories import EditorFactory

Status = Article.Status
pytestmark = pytest.mark.django_db


def versions_of(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def version_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def compare_url(article, old, new):
    return reverse("admin:articles_article_compare", args=[article.pk]) + (
        f"?old={old.pk}&new={new.pk}"
    )


def test_each_admin_save_keeps_a_version_with_user_and_time(
    client_of, desk_editor, published_article
):
    client = client_of(desk_editor)
    save_article(client, published_article, headline="العنوان الثاني")
    save_article(client, Article.objects.get(pk=published_article.pk), headline="العنوان الثالث")
    versions = versions_of(published_article)
    assert [v.field_dict["headline"] for v in versions] == ["العنوان الثاني", "العنوان الثالث"]
    assert {v.revision.user for v in versions} == {desk_editor}
    assert all(v.revision.date_created for v in versions)


def test_admin_save_that_publishes_keeps_one_version_in_the_new_state(
    client_of, desk_editor, draft_article
):
    save_article(client_of(desk_editor), draft_article, status=Status.PUBLISHED)
    (version,) = versions_of(draft_article)
    assert version.field_dict["status"] == Status.PUBLISHED
    assert "نُشر" in version.revision.get_comment()


def test_history_page_lists_versions_with_who_and_what(
    client_of, desk_editor, reporters_draft, reporter
):
    workflow.article_submit(article=reporters_draft, by=reporter, comment="جاهز للنشر")
    html = client_of(desk_editor).get(history_url(reporters_draft)).content.decode()
    assert "سلمى المراسلة" in html
    assert "أُرسل إلى المراجعة: جاهز للنشر" in html
    assert 'dir="rtl"' in html


def test_comparing_two_versions_shows_removed_and_added_words_of_headline_and_body(
    client_of, desk_editor, published_article
):
    client = client_of(desk_editor)
    save_article(
        client,
        published_article,
        headline="الوزير يفتتح المعرض اليوم",
        body="<p>الفقرة الأولى ثابتة.</p><p>افتتح الوزير المعرض صباحا.</p>",
    )
    save_article(
        client,
        Article.objects.get(pk=published_article.pk),
        headline="الوزير يفتتح المعرض غدا",
        body="<p>الفقرة الأولى ثابتة.</p><p>افتتح الوزير المعرض مساء.</p><p>فقرة جديدة.</p>",
    )
    old, new = versions_of(published_article)
    response = client.get(compare_url(published_article, new, old))  # order does not matter
    assert response.status_code == 200
    html = response.content.decode()
    assert "<del>اليوم</del>" in html and "<ins>غدا</ins>" in html
    assert "<del>صباحا.</del>" in html and "<ins>مساء.</ins>" in html
    assert "<ins>فقرة جديدة.</ins>" in html
    assert "<del>الفقرة الأولى" not in html  # unchanged text is not marked


def test_diff_escapes_markup_in_the_copy():
    assert str(history.word_diff("<b>قديم</b>", "<script>جديد")) == (
        "<del>&lt;b&gt;قديم&lt;/b&gt;</del> <ins>&lt;script&gt;جديد</ins>"
    )


def test_restoring_a_version_brings_back_copy_and_bylines_as_a_new_version_keeping_the_state(
    client_of, desk_editor, published_article
):
    client = client_of(desk_editor)
    original_author = published_article.authors.get()
    save_article(client, published_article, headline="الصيغة الأولى", dek="ملخص أول")
    first = versions_of(published_article)[0]
    article = Article.objects.get(pk=published_article.pk)
    article.bylines.update(editor=EditorFactory(name="كاتب لاحق"))
    save_article(client, article, headline="الصيغة الثانية", dek="ملخص ثان")
    workflow.article_withdraw(article=article, by=desk_editor)

    page = client.get(version_url(article, first))
    assert "الصيغة الأولى" in page.content.decode()
    response = client.post(version_url(article, first))
    assert response.status_code == 302
    assert response["Location"] == change_url(article)

    restored = Article.objects.get(pk=article.pk)
    assert (restored.headline, restored.dek) == ("الصيغة الأولى", "ملخص أول")
    assert list(restored.authors.all()) == [original_author]
    assert restored.status == Status.WITHDRAWN  # restoring text never republishes
    latest = versions_of(article)[-1]
    assert len(versions_of(article)) == 4
    assert latest.field_dict["headline"] == "الصيغة الأولى"
    assert latest.revision.user == desk_editor
    assert "استُعيدت" in latest.revision.comment


def test_reporter_cannot_restore_a_version_of_a_story_she_may_not_edit(
    client_of, desk_editor, reporter, section, masthead
):
    article = Article.objects.create(section=section, headline="خبر", body="<p>نص</p>")
    save_article(client_of(desk_editor), article, headline="خبر معدل")
    version = versions_of(article)[0]
    client = client_of(reporter)
    page = client.get(version_url(article, version))
    assert page.status_code == 200
    assert "استعادة هذه النسخة" not in page.content.decode()
    assert client.post(version_url(article, version)).status_code == 403
    with pytest.raises(workflow.PermissionDenied):
        workflow.article_restore_version(article=article, version=version, by=reporter)


def test_a_version_of_another_article_cannot_be_restored_into_this_one(
    client_of, desk_editor, published_article, draft_article
):
    client = client_of(desk_editor)
    save_article(client, draft_article, headline="من خبر آخر")
    foreign = versions_of(draft_article)[0]
    assert client.post(version_url(published_article, foreign)).status_code == 404
    assert client.get(compare_url(published_article, foreign, foreign)).status_code == 404


def test_recovering_deleted_articles_past_the_workflow_is_not_offered(client_of, chief_user):
    client = client_of(chief_user)
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 404


def test_an_imported_article_starts_its_history_with_its_bylines(section):
    author = EditorFactory(name="محمد الباز")
    article = article_create_from_import(
        parsed=ParsedArticle(headline="خبر مستورد", paragraphs=["فقرة"]),
        section=section,
        authors=[author],
    )
    (version,) = versions_of(article)
    assert version.revision.comment == "استُورد من ملف نصي"
    assert history.compare_versions(version, version).old_bylines == "محمد الباز"


# --- History reads like a newsroom's -------------------------------------------------------


def last_comment(article) -> str:
    return versions_of(article)[-1].revision.get_comment()


def test_saving_a_story_untouched_names_no_field_and_no_internal_name(
    client_of, desk_editor, published_article
):
    save_article(client_of(desk_editor), published_article)
    comment = last_comment(published_article)
    assert comment == "حُفظ دون تغيير"
    assert "opened_at" not in comment and "workflow_comment" not in comment


def test_body_written_again_by_the_editor_is_not_marked_changed(
    client_of, desk_editor, published_article
):
    published_article.body = "<p>«قال» الوزير&nbsp;اليوم</p><p>نص <strong>مهم</strong></p>"
    published_article.save()
    stored = Article.objects.get(pk=published_article.pk)
    rewritten = "<p>&laquo;قال&raquo; الوزير&nbsp;اليوم</p>\n\n<p>نص <strong>مهم</strong></p>\n"
    save_article(client_of(desk_editor), stored, body=rewritten)
    assert last_comment(published_article) == "حُفظ دون تغيير"
    assert Article.objects.get(pk=published_article.pk).body == stored.body


def test_a_real_edit_is_named_by_its_labels(client_of, desk_editor, published_article):
    save_article(
        client_of(desk_editor),
        published_article,
        headline="عنوان جديد",
        body="<p>متن آخر تمامًا.</p>",
    )
    assert last_comment(published_article) == "عُدّل العنوان والمتن"


def test_a_move_from_the_form_is_logged_with_its_note_not_as_a_field(
    client_of, reporter, reporters_draft
):
    save_article(
        client_of(reporter), reporters_draft, status=Status.REVIEW, workflow_comment="جاهز"
    )
    assert last_comment(reporters_draft) == "أُرسل إلى المراجعة: جاهز"


def test_history_page_shows_no_internal_field_names(client_of, desk_editor, published_article):
    client = client_of(desk_editor)
    save_article(client, published_article)
    save_article(client, Article.objects.get(pk=published_article.pk), dek="ملخص جديد")
    html = client.get(history_url(published_article)).content.decode()
    assert "عُدّل الملخص" in html
    for internal in ("opened_at", "workflow_comment", "changed", "Changed"):
        assert internal not in html
