"""Every page carries the security headers; the admin's editor page loosens only what it must."""

import re

import pytest
from django.templatetags.static import static
from django.urls import reverse

from articles.web import frame

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def public_pages(published_article):
    editor = published_article.authors.first()
    return [
        "/",
        published_article.section.get_absolute_url(),
        published_article.get_absolute_url(),
        editor.get_absolute_url(),
        "/لا-يوجد/",  # the 404 page too
    ]


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]:
        assert feature in permissions
    assert 'fullscreen=(self "https://player.vimeo.com"' in permissions


@pytest.mark.parametrize("answer", ["built", "from the page cache"])
def test_public_pages_send_a_strict_policy_and_the_other_headers(client, public_pages, answer):
    for url in public_pages:
        response = client.get(url)
        if answer == "from the page cache":
            response = client.get(url)
        assert_common_headers(response)
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["img-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert set(csp["frame-src"]) == {
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        }


def test_a_policy_changed_in_the_settings_reaches_the_next_page(
    client, published_article, settings
):
    client.get("/")  # the site's policy, as every page so far got it
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://media.example"]}
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = client.get(published_article.section.get_absolute_url())
    assert policy(response) == {
        "default-src": ["'self'"],
        "img-src": ["'self'", "https://media.example"],
    }
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def test_public_pages_have_no_inline_script_or_style_for_the_policy_to_block(client, public_pages):
    for url in public_pages:
        html = client.get(url).content.decode()
        # Only structured data (JSON-LD), which browsers never run, may sit in a script tag,
        # besides the site's own script files (from 'self', as the policy allows): the page's
        # enhancements and the breaking alerts' button.
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        for name in frame.SITE_SCRIPTS:
            own = f'<script src="{static(name)}" defer></script>'
            assert html.count(own) == 1, url
            html = html.replace(own, "")
        assert "<script" not in html, url
        assert "<style" not in html and " style=" not in html, url


def test_admin_pages_send_the_strict_policy_and_the_other_headers(staff_client, published_article):
    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_editor_change", args=[published_article.authors.first().pk]),
        reverse("admin:login"),
    ]:
        response = staff_client.get(url)
        assert_common_headers(response)
        csp = policy(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url


def test_admin_lists_have_no_inline_style(staff_client, published_article):
    html = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert " style=" not in html.split('id="result_list"', 1)[1].split("</table>", 1)[0]


def test_the_article_form_allows_what_ckeditor_needs_and_nothing_more(
    staff_client, published_article
):
    for url in [
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[published_article.pk]),
    ]:
        response = staff_client.get(url)
        assert_common_headers(response)
        csp = policy(response)
        assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
        assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
        assert set(csp["img-src"]) == {"'self'", "data:", "blob:"}
        assert "'self'" in csp["frame-src"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert "https:" not in response["Content-Security-Policy"].split()  # no wildcard host


def test_media_served_from_another_host_is_allowed_by_its_origin_only():
    from newsroom.settings import origin_of

    assert origin_of("https://cdn.example.com/media/") == "https://cdn.example.com"
    assert origin_of("/media/") is None
