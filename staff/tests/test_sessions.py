from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.roles import DESK_EDITOR, REPORTER
from articles.tests.factories import StaffUserFactory
from staff.models import AuditEntry, StaffSession
from staff.tests.signin import password_step

ADMIN_URL = reverse("admin:index")
SESSIONS_URL = reverse("staff_sessions")
PASSWORD = "correct horse battery"


def signed_in(client) -> bool:
    return client.get(ADMIN_URL).status_code == 200


@pytest.fixture
def reporter(db):
    return StaffUserFactory(username="reporter", role=REPORTER)


def browser(user, **headers) -> Client:
    """A reporter (no second factor required) signing in through the form, as a browser."""
    client = Client(**headers)
    assert password_step(client, user.get_username(), PASSWORD).status_code == 302
    return client


@pytest.mark.django_db
def test_a_session_idle_past_the_limit_ends_and_is_recorded(reporter, settings):
    settings.NEWSROOM_STAFF_IDLE_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = browser(reporter)
        clock.shift(timedelta(minutes=29))
        assert signed_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.get(ADMIN_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert not signed_in(client)
    entry = AuditEntry.objects.get(kind=AuditEntry.SESSION_EXPIRED)
    assert (entry.actor, entry.detail) == (reporter, {"reason": "idle"})
    assert not StaffSession.objects.exists()


@pytest.mark.django_db
def test_a_busy_session_still_ends_after_its_lifetime(reporter, settings):
    settings.NEWSROOM_STAFF_IDLE_MINUTES = 60
    settings.NEWSROOM_STAFF_SESSION_HOURS = 12
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = browser(reporter)
        for _ in range(23):  # a request every half hour for eleven and a half hours
            clock.shift(timedelta(minutes=30))
            assert signed_in(client)
        clock.shift(timedelta(minutes=31))
        assert not signed_in(client)
    entry = AuditEntry.objects.get(kind=AuditEntry.SESSION_EXPIRED)
    assert entry.detail == {"reason": "lifetime"}


@pytest.mark.django_db
def test_the_limits_come_from_the_environment_with_safe_defaults():
    from django.conf import settings

    assert settings.NEWSROOM_STAFF_IDLE_MINUTES == 60
    assert settings.NEWSROOM_STAFF_SESSION_HOURS == 12
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


@pytest.mark.django_db
def test_a_staff_member_sees_her_sessions_with_device_and_address(reporter):
    browser(reporter, HTTP_USER_AGENT="Firefox على الحاسوب", REMOTE_ADDR="192.0.2.10")
    phone = browser(reporter, HTTP_USER_AGENT="Safari on iPhone", REMOTE_ADDR="192.0.2.20")
    html = phone.get(SESSIONS_URL).content.decode()
    assert "Firefox على الحاسوب" in html and "192.0.2.10" in html
    assert "Safari on iPhone" in html and "192.0.2.20" in html
    assert html.count("هذه الجلسة") == 1


@pytest.mark.django_db
def test_she_does_not_see_anyone_elses_sessions(reporter):
    other = StaffUserFactory(username="other", role=REPORTER)
    browser(other, HTTP_USER_AGENT="Other person's browser")
    html = browser(reporter).get(SESSIONS_URL).content.decode()
    assert "Other person's browser" not in html


@pytest.mark.django_db
def test_ending_the_other_sessions_keeps_this_one(reporter):
    laptop, phone = browser(reporter), browser(reporter)
    response = phone.post(SESSIONS_URL, {"end": "others"})
    assert response.status_code == 302
    assert signed_in(phone)
    assert not signed_in(laptop)
    entry = AuditEntry.objects.get(kind=AuditEntry.SESSIONS_ENDED)
    assert entry.actor == reporter and entry.detail["reason"] == "by_user_others"
    assert entry.detail["sessions"] == 1


@pytest.mark.django_db
def test_ending_all_sessions_ends_this_one_too(reporter):
    laptop, phone = browser(reporter), browser(reporter)
    phone.post(SESSIONS_URL, {"end": "all"})
    assert not signed_in(phone)
    assert not signed_in(laptop)


@pytest.mark.django_db
def test_an_unknown_choice_ends_nothing_and_says_so(reporter):
    laptop, phone = browser(reporter), browser(reporter)
    response = phone.post(SESSIONS_URL, {"end": "everything-please"}, follow=True)
    assert "اختر الجلسات" in response.content.decode()
    assert signed_in(laptop) and signed_in(phone)


@pytest.mark.django_db
def test_a_new_password_ends_every_session_of_that_person_at_once(reporter):
    laptop, phone = browser(reporter), browser(reporter)
    reporter.set_password("a-brand-new-passphrase")
    reporter.save()
    assert not signed_in(laptop) and not signed_in(phone)
    entry = AuditEntry.objects.get(kind=AuditEntry.SESSIONS_ENDED)
    assert entry.detail == {"account": "reporter", "reason": "password_changed", "sessions": 2}


@pytest.mark.django_db
def test_the_chief_changing_someones_password_in_the_admin_ends_their_sessions(reporter):
    laptop = browser(reporter)
    chief = Client()
    chief.force_login(StaffUserFactory(username="root", is_superuser=True))
    response = chief.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    assert not signed_in(laptop)
    assert signed_in(chief)


@pytest.mark.django_db
def test_removing_a_role_ends_that_persons_sessions(reporter):
    laptop = browser(reporter)
    untouched = StaffUserFactory(username="other", role=REPORTER)
    other_laptop = browser(untouched)
    reporter.groups.remove(Group.objects.get(name=REPORTER))
    assert not signed_in(laptop)
    assert signed_in(other_laptop)


@pytest.mark.django_db
def test_emptying_a_role_ends_the_sessions_of_everyone_in_it(reporter):
    laptop = browser(reporter)
    Group.objects.get(name=REPORTER).user_set.clear()
    assert not signed_in(laptop)


@pytest.mark.django_db
def test_a_desk_editors_role_removed_in_the_admin_ends_her_sessions(password_only_login):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    her_browser = Client()
    her_browser.force_login(desk)
    assert signed_in(her_browser)
    chief = Client()
    chief.force_login(StaffUserFactory(username="root", is_superuser=True))
    response = chief.post(
        reverse("admin:auth_user_change", args=[desk.pk]),
        {
            "username": "desk",
            "is_active": "on",
            "is_staff": "on",
            "groups": [],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not signed_in(her_browser)
