"""A desk editor signed in with the password alone reaches nothing: each kind of staff address
(an admin page, a list action, the editor's upload endpoint, the preview and the share-link
maker) sends her to enrol, or, when she has a device, to sign in with its code. The same
requests with the second factor work, so each check can fail."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article, SharePreviewLink
from articles.roles import DESK_EDITOR
from articles.tests import crafted_images as crafted
from articles.tests.factories import ArticleFactory, MastheadFactory, StaffUserFactory

SETUP_URL = reverse("two_factor:setup")
CK_TOKEN = "a-ckeditor-csrf-token-1234"


@pytest.fixture
def draft(db):
    MastheadFactory()
    return ArticleFactory(draft=True, headline="مسودة لم تنشر")


def admin_page(client, draft):
    return client.get(reverse("admin:articles_article_change", args=[draft.pk]))


def list_action(client, draft):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )


def upload(client, draft):
    client.cookies["ckCsrfToken"] = CK_TOKEN
    return client.post(
        reverse("ckeditor_upload") + "?responseType=json",
        {"upload": crafted.jpeg("صورة.jpg"), "ckCsrfToken": CK_TOKEN},
    )


def preview(client, draft):
    return client.get(reverse("articles:preview", kwargs={"pk": draft.pk}))


def share_link(client, draft):
    return client.post(
        reverse("admin:articles_article_share_preview", args=[draft.pk]), {"create": "1"}
    )


KINDS = [admin_page, list_action, upload, preview, share_link]


def nothing_happened(draft, media):
    assert Article.objects.get(pk=draft.pk).status == draft.status
    assert not SharePreviewLink.objects.exists()
    assert crafted.files_in(media) == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_without_a_device_the_password_alone_is_sent_to_enrol(
    kind, draft, password_only_login, media_in_tmp
):
    desk = Client()
    password_only_login(desk, StaffUserFactory(username="desk", role=DESK_EDITOR))
    response = kind(desk, draft)
    assert (response.status_code, response["Location"]) == (302, SETUP_URL)
    nothing_happened(draft, media_in_tmp)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_with_a_device_the_password_alone_is_sent_to_sign_in_with_the_code(
    kind, draft, password_only_login, media_in_tmp
):
    user = StaffUserFactory(username="desk", role=DESK_EDITOR)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    desk = Client()
    password_only_login(desk, user)
    response = kind(desk, draft)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login") + "?next=")
    assert "_auth_user_id" not in desk.session  # that session is over
    nothing_happened(draft, media_in_tmp)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_with_the_second_factor_the_same_request_works(kind, draft, media_in_tmp):
    desk = Client()
    desk.force_login(StaffUserFactory(username="desk", role=DESK_EDITOR))  # code included
    response = kind(desk, draft)
    if kind is list_action:
        assert Article.objects.get(pk=draft.pk).status == Article.Status.PUBLISHED
    else:
        assert response.status_code == 200
