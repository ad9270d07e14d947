"""Fixtures shared by every app's tests (articles/, staff/)."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

_force_login_with_the_password_alone = Client.force_login


def _force_login_verified(client, user, backend=None):
    """A staff member signed in as the two-factor wizard leaves them: with the password and a
    code from their authenticator (a TOTP device of theirs, made if they have none)."""
    _force_login_with_the_password_alone(client, user, backend)
    if user.is_staff:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def staff_sign_in_with_their_second_factor(monkeypatch):
    """`client.force_login(staff)` stands for a complete sign-in, second factor included, so a
    test about articles need not enter codes. The tests of the rule itself sign in with the
    password alone through `password_only_login`."""
    monkeypatch.setattr(Client, "force_login", _force_login_verified)


@pytest.fixture
def password_only_login():
    """`password_only_login(client, user)`: a session opened with the password alone."""
    return _force_login_with_the_password_alone
