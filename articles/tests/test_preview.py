"""Staff preview drafts on the public design; a signed link shows one to a guest, for a while."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import preview

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


def test_editor_makes_a_share_link_that_shows_the_draft_to_a_guest(
    client, client_of, desk_editor, draft_article
):
    page = client_of(desk_editor).get(
        reverse("admin:articles_article_share_preview", args=[draft_article.pk])
    )
    assert page.status_code == 200
    link = page.context["link"]
    assert link.startswith("http://testserver/preview/shared/")
    response = client.get(link)
    assert response.status_code == 200
    assert draft_article.headline in response.content.decode()
    assert "مؤقت" in response.content.decode()
    assert_private(response)
    assert client.get(draft_article.get_absolute_url()).status_code == 404  # still a draft


def test_share_link_expires_after_48_hours_by_default(client, draft_article, time_machine):
    path, expires_at = preview.preview_link(article=draft_article)
    assert expires_at - timezone.now() == pytest.approx(
        timedelta(hours=48), abs=timedelta(seconds=5)
    )
    time_machine.move_to(timezone.now() + timedelta(hours=47))
    assert client.get(path).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    response = client.get(path)
    assert response.status_code == 410
    assert "انتهت صلاحية رابط المعاينة" in response.content.decode()
    assert_private(response)


def test_share_link_lifetime_is_a_setting(client, draft_article, settings, time_machine):
    settings.NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS = 1
    path, _ = preview.preview_link(article=draft_article)
    time_machine.move_to(timezone.now() + timedelta(minutes=61))
    assert client.get(path).status_code == 410


def test_a_forged_or_altered_share_link_shows_nothing(client, draft_article, published_article):
    path, _ = preview.preview_link(article=draft_article)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(str(draft_article.pk), str(published_article.pk), 1)
    for bad in (forged, token[:-2] + "xx", "123"):
        url = reverse("articles:shared_preview", kwargs={"token": bad})
        assert client.get(url).status_code == 404, bad


def test_only_editors_with_the_right_make_share_links(client_of, reporter, reporters_draft):
    url = reverse("admin:articles_article_share_preview", args=[reporters_draft.pk])
    assert client_of(reporter).get(url).status_code == 403


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
