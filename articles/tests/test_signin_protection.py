import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from staff.tests.signin import password_step


@pytest.fixture
def reporter(django_user_model):
    return django_user_model.objects.create_user(
        "reporter", password="the-right-password-1", is_staff=True
    )


def attempt(client, password):
    """The password step of the two-factor sign-in (a reporter has no device: it signs in)."""
    return password_step(client, "reporter", password, REMOTE_ADDR="127.0.0.9")


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_with_an_arabic_message(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert attempt(client, "wrong").status_code == 200  # the normal form, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "أُوقف الدخول بهذا الحساب مؤقتًا بعد 3 محاولات" in locked.content.decode()
    # Even the right password is refused while the lock holds.
    assert attempt(client, "the-right-password-1").status_code == 429


@pytest.mark.django_db
def test_editor_in_chief_unlocks_a_locked_account_from_the_admin(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "the-right-password-1").status_code == 429

    chief = Client()
    chief.force_login(type(reporter).objects.create_superuser("chief", password="x-pass-123456"))
    lock = AccessAttempt.objects.get(username="reporter")
    changelist = chief.get(reverse("admin:axes_accessattempt_changelist"))
    assert "reporter" in changelist.content.decode()
    chief.post(reverse("admin:axes_accessattempt_delete", args=[lock.pk]), {"post": "yes"})

    assert attempt(client, "the-right-password-1").status_code == 302


@pytest.mark.django_db
def test_successful_login_clears_earlier_failures(client, reporter):
    attempt(client, "wrong")
    assert attempt(client, "the-right-password-1").status_code == 302
    assert not AccessAttempt.objects.filter(
        username="reporter", failures_since_start__gt=0
    ).exists()
