import pytest


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
