"""Staff preview drafts on the public design; a share link shows one to a guest, for a while."""

import hashlib
from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import preview, workflow
from articles.models import Article, SharePreviewLink
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def preview_url(article):
    return reverse("articles:preview", kwargs={"pk": article.pk})


def assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_staff_preview_a_draft_on_the_public_design_under_a_banner(
    client_of, reporter, draft_article
):
    response = client_of(reporter).get(preview_url(draft_article))
    assert response.status_code == 200
    html = response.content.decode()
    assert draft_article.headline in html
    assert 'class="preview-banner"' in html and "معاينة" in html
    assert "رئيس مجلسي الإدارة والتحرير: محمد الباز" in html  # the real public header
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert_private(response)


def test_readers_and_non_staff_cannot_use_the_staff_preview(
    client, django_user_model, draft_article
):
    response = client.get(preview_url(draft_article))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.get(preview_url(draft_article)).status_code == 403


def share_page(article):
    return reverse("admin:articles_article_share_preview", args=[article.pk])


def make_link(client, article) -> str:
    """The desk makes a link on the story's share page, as in the admin; its full address."""
    response = client.post(share_page(article), {"create": "1"})
    assert response.status_code == 200
    return response.context["new_link"]


def test_editor_makes_a_share_link_that_shows_the_draft_to_a_guest(
    client, client_of, desk_editor, draft_article
):
    desk = client_of(desk_editor)
    assert desk.get(share_page(draft_article)).status_code == 200
    link = make_link(desk, draft_article)
    assert link.startswith("http://testserver/preview/shared/")
    response = client.get(link)
    assert response.status_code == 200
    assert draft_article.headline in response.content.decode()
    assert "مؤقت" in response.content.decode()
    assert_private(response)
    assert client.get(draft_article.get_absolute_url()).status_code == 404  # still a draft


def test_opening_the_share_page_makes_no_link(client_of, desk_editor, draft_article):
    client_of(desk_editor).get(share_page(draft_article))
    assert not SharePreviewLink.objects.exists()


def test_only_a_hash_of_the_link_is_stored(client_of, desk_editor, draft_article):
    link = make_link(client_of(desk_editor), draft_article)
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = SharePreviewLink.objects.get()
    assert token not in {stored.token_hash, *map(str, vars(stored).values())}
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.article, stored.created_by) == (draft_article, desk_editor)


def test_share_link_expires_after_48_hours_by_default(
    client, desk_editor, draft_article, time_machine
):
    link, path = preview.share_link_create(article=draft_article, by=desk_editor)
    assert link.expires_at - timezone.now() == pytest.approx(
        timedelta(hours=48), abs=timedelta(seconds=5)
    )
    time_machine.move_to(timezone.now() + timedelta(hours=47))
    assert client.get(path).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    response = client.get(path)
    assert response.status_code == 410
    assert "انتهت صلاحية رابط المعاينة" in response.content.decode()
    assert 'lang="ar"' in response.content.decode()
    assert_private(response)


def test_share_link_lifetime_is_a_setting(
    client, desk_editor, draft_article, settings, time_machine
):
    settings.NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS = 1
    _, path = preview.share_link_create(article=draft_article, by=desk_editor)
    time_machine.move_to(timezone.now() + timedelta(minutes=61))
    assert client.get(path).status_code == 410


def test_an_unknown_or_altered_share_link_shows_nothing(client, desk_editor, draft_article):
    _, path = preview.share_link_create(article=draft_article, by=desk_editor)
    token = path.rstrip("/").rsplit("/", 1)[1]
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (altered, token[:-1], token + "A", "123", "x" * 43):
        url = reverse("articles:shared_preview", kwargs={"token": bad})
        assert client.get(url).status_code == 404, bad


def test_a_link_signed_with_the_key_once_public_in_the_source_is_refused(client, draft_article):
    """Links used to be TimestampSigner tokens keyed by SECRET_KEY, whose embedded default was
    public: anyone could sign one for any draft. Such a token opens nothing now."""
    forged = signing.TimestampSigner(
        key="django-insecure-embedded-newsroom-key-change-me", salt="articles.preview"
    ).sign(str(draft_article.pk))
    response = client.get(f"/preview/shared/{forged}/")
    assert response.status_code == 404
    assert draft_article.headline not in response.content.decode()


def test_the_desk_lists_a_storys_links_and_revokes_one(
    client, client_of, desk_editor, chief_user, draft_article
):
    desk = client_of(desk_editor)
    first = make_link(desk, draft_article)
    second = make_link(client_of(chief_user), draft_article)
    page = desk.get(share_page(draft_article))
    html = page.content.decode()
    assert "روابط هذا الخبر" in html
    assert html.count("إنهاء الرابط") == 2
    assert "desk-editor" in html and "chief" in html
    assert first not in html and second not in html  # a link is shown once, when it is made
    older = SharePreviewLink.objects.get(created_by=desk_editor)
    response = desk.post(share_page(draft_article), {"revoke": older.pk}, follow=True)
    assert "أُنهي رابط المعاينة" in response.content.decode()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    older.refresh_from_db()
    assert (older.revoked_by, older.revoked_reason) == (desk_editor, preview.REVOKED_BY_HAND)
    assert "أُنهي في" in response.content.decode()


@pytest.mark.parametrize(
    ("start", "move", "kwargs"),
    [
        ("draft", workflow.article_publish, {}),
        ("in_review", workflow.article_publish, {}),
        ("in_review", workflow.article_send_back, {"comment": "أضف مصدرًا"}),
        ("scheduled", workflow.article_return_to_draft, {}),
        ("scheduled", workflow.article_publish, {}),
    ],
)
def test_publishing_or_sending_back_to_draft_ends_every_link_made_before(
    client, desk_editor, section, masthead, start, move, kwargs
):
    article = ArticleFactory(section=section, **{start: True})
    paths = [preview.share_link_create(article=article, by=desk_editor)[1] for _ in range(2)]
    assert all(client.get(path).status_code == 200 for path in paths)
    move(article=article, by=desk_editor, **kwargs)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 410
        assert "انتهت صلاحية رابط المعاينة" in response.content.decode()
    assert not SharePreviewLink.objects.active().exists()


def test_withdrawing_a_story_ends_a_link_made_while_it_was_scheduled(
    client, desk_editor, section, masthead, time_machine
):
    article = ArticleFactory(section=section, scheduled=True)
    _, path = preview.share_link_create(article=article, by=desk_editor)
    time_machine.move_to(article.published_at + timedelta(minutes=1))  # out at its minute
    assert client.get(path).status_code == 200
    workflow.article_withdraw(article=article, by=desk_editor)
    assert client.get(path).status_code == 410
    link = SharePreviewLink.objects.get()
    assert (link.revoked_by, link.revoked_reason) == (desk_editor, workflow.WITHDRAW.done)


def test_a_link_of_a_story_withdrawn_past_the_workflow_still_shows_nothing(
    client, desk_editor, draft_article
):
    _, path = preview.share_link_create(article=draft_article, by=desk_editor)
    Article.objects.filter(pk=draft_article.pk).update(status=Article.Status.WITHDRAWN)
    assert client.get(path).status_code == 410


def test_submitting_or_scheduling_keeps_the_links(client, desk_editor, reporter, reporters_draft):
    _, path = preview.share_link_create(article=reporters_draft, by=desk_editor)
    workflow.article_submit(article=reporters_draft, by=reporter)
    workflow.article_schedule(
        article=reporters_draft, by=desk_editor, at=timezone.now() + timedelta(hours=3)
    )
    assert client.get(path).status_code == 200


def test_deleting_a_story_deletes_its_links(client, desk_editor, draft_article):
    _, path = preview.share_link_create(article=draft_article, by=desk_editor)
    draft_article.delete()
    assert not SharePreviewLink.objects.exists()
    assert client.get(path).status_code == 404


def test_no_link_is_made_for_a_published_or_withdrawn_story(
    client_of, desk_editor, section, masthead
):
    desk = client_of(desk_editor)
    for article in (
        ArticleFactory(section=section),
        ArticleFactory(section=section, withdrawn=True),
    ):
        with pytest.raises(ValidationError, match="لا يُنشأ رابط معاينة"):
            preview.share_link_create(article=article, by=desk_editor)
        response = desk.post(share_page(article), {"create": "1"}, follow=True)
        assert "لا يُنشأ رابط معاينة" in response.content.decode()
    assert not SharePreviewLink.objects.exists()


def test_only_editors_with_the_right_make_or_revoke_share_links(
    client_of, reporter, desk_editor, reporters_draft
):
    link, _ = preview.share_link_create(article=reporters_draft, by=desk_editor)
    reporter_client = client_of(reporter)
    assert reporter_client.get(share_page(reporters_draft)).status_code == 403
    assert reporter_client.post(share_page(reporters_draft), {"create": "1"}).status_code == 403
    revoke = reporter_client.post(share_page(reporters_draft), {"revoke": link.pk})
    assert revoke.status_code == 403
    with pytest.raises(PermissionDenied):
        preview.share_link_create(article=reporters_draft, by=reporter)
    with pytest.raises(PermissionDenied):
        preview.share_link_revoke(link=link, by=reporter)
    assert SharePreviewLink.objects.active().count() == 1


def test_revoking_a_link_of_another_story_is_not_found(client_of, desk_editor, section, masthead):
    one, other = (ArticleFactory(section=section, draft=True) for _ in range(2))
    link, _ = preview.share_link_create(article=other, by=desk_editor)
    desk = client_of(desk_editor)
    assert desk.post(share_page(one), {"revoke": link.pk}).status_code == 404
    assert desk.post(share_page(one), {"revoke": "x"}).status_code == 404
    assert desk.post(share_page(one), {"revoke": "9" * 30}).status_code == 404
    assert SharePreviewLink.objects.active().count() == 1


def test_change_form_offers_preview_and_share_link_to_the_desk(
    client_of, desk_editor, reporter, draft_article
):
    html = (
        client_of(desk_editor)
        .get(reverse("admin:articles_article_change", args=[draft_article.pk]))
        .content.decode()
    )
    assert preview_url(draft_article) in html
    assert "رابط معاينة للمشاركة" in html
    reporter_html = (
        client_of(reporter)
        .get(reverse("admin:articles_article_change", args=[draft_article.pk]))
        .content.decode()
    )
    assert "رابط معاينة للمشاركة" not in reporter_html
