"""Readers get pages gzipped; a response that could hold a secret is never compressed (BREACH)."""

import gzip

import pytest

from articles.tests.caches import empty_every_cache

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def reader_pages(published_article):
    return [
        "/",
        published_article.section.get_absolute_url(),
        published_article.get_absolute_url(),
        "/لا-يوجد/",
    ]


@pytest.mark.parametrize("answer", ["built", "from the page cache"])
def test_html_pages_are_compressed_for_readers(client, reader_pages, published_article, answer):
    for url in reader_pages:
        empty_every_cache()
        response = client.get(url, **GZIP)
        if answer == "from the page cache":
            response = client.get(url, **GZIP)
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert html.startswith("<!DOCTYPE html>")
        assert published_article.section.name in html


def test_a_browser_that_takes_no_gzip_gets_the_same_page_plain(client, published_article):
    url = published_article.get_absolute_url()
    compressed = client.get(url, **GZIP)  # built, kept, sent gzipped
    plain = client.get(url)  # from the page cache: the kept page was never compressed in place
    assert "Content-Encoding" not in plain
    assert plain.content == gzip.decompress(compressed.content)


def test_a_compressed_page_still_answers_a_repeat_visit_with_not_modified(
    client, published_article
):
    url = published_article.get_absolute_url()
    first = client.get(url, **GZIP)
    assert first["ETag"].startswith('W/"'), "a compressed body's ETag is weak"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304
    empty_every_cache()  # built again: Django's ConditionalGetMiddleware answers it
    rebuilt = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert rebuilt.status_code == 304


def test_the_sign_in_page_with_its_csrf_token_is_never_compressed(client):
    response = client.get("/admin/login/", **GZIP)
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert "Content-Encoding" not in response


def test_signed_in_staff_get_pages_uncompressed(staff_client, published_article):
    for url in ["/", published_article.get_absolute_url(), "/admin/"]:
        response = staff_client.get(url, **GZIP)
        assert "Content-Encoding" not in response, url
