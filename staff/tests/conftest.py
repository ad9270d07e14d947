import pytest

# The articles suite's isolation, for tests here that upload, preview or render admin pages:
# uploads and the cache's files in throwaway folders, an empty cache for each test.
from articles.tests.conftest import (  # noqa: F401
    cache_files_in_tmp,
    chief,
    chief_user,
    client_of,
    desk_editor,
    empty_cache,
    masthead,
    media_in_tmp,
    reporter,
    reporters_draft,
    section,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_of_user(db):
    """A separate browser session signed in (second factor included) as the given user."""
    from django.test import Client

    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in
