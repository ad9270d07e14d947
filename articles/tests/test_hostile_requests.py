"""No request a stranger can make answers 500: every public address, hostile values, any method."""

import pytest
from django.test import Client

from articles.converters import MAX_ID

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/article/99999999999999999999/x/",
        f"/article/{MAX_ID + 1}/x/",
        f"/n/{MAX_ID + 1}/",
        "/n/99999999999999999999999999999999999999/",
        f"/preview/{MAX_ID + 1}/",
    ],
)
def test_an_id_too_large_for_the_database_is_an_arabic_not_found_page(path, published_article):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404 or (
        path.startswith("/preview/") and response.status_code == 302
    )
    if response.status_code == 404:
        assert 'lang="ar"' in response.content.decode()


def test_the_largest_id_the_database_holds_is_still_an_address(client, published_article):
    assert client.get(f"/article/{MAX_ID}/x/").status_code == 404
    assert client.get(f"{published_article.get_absolute_url()}").status_code == 200
