import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from articles.roles import DESK_EDITOR, EDITOR_IN_CHIEF
from articles.tests.factories import StaffUserFactory
from staff.models import AuditEntry
from staff.tests.signin import password_step

TRAIL_URL = reverse("admin:staff_auditentry_changelist")


def sign_in(client, username, password):
    return password_step(client, username, password, REMOTE_ADDR="127.0.0.7")


@pytest.mark.django_db
def test_a_successful_sign_in_is_recorded_with_who_and_the_address(client):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    assert sign_in(client, "desk", "correct horse battery").status_code == 302
    entry = AuditEntry.objects.get(kind=AuditEntry.SIGN_IN)
    assert (entry.actor, entry.username, entry.remote_addr) == (desk, "desk", "127.0.0.7")


@pytest.mark.django_db
def test_a_failed_sign_in_is_recorded_without_the_password_tried(client):
    StaffUserFactory(username="desk", role=DESK_EDITOR)
    sign_in(client, "desk", "a-wrong-secret")
    entry = AuditEntry.objects.get(kind=AuditEntry.SIGN_IN_FAILED)
    assert entry.username == "desk"
    assert entry.actor is None
    assert "a-wrong-secret" not in str(entry.detail)


@pytest.mark.django_db
def test_a_lockout_is_recorded_in_the_trail(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    StaffUserFactory(username="desk", role=DESK_EDITOR)
    sign_in(client, "desk", "wrong")
    assert sign_in(client, "desk", "wrong").status_code == 429
    assert AuditEntry.objects.filter(kind=AuditEntry.LOCKED_OUT, username="desk").exists()


@pytest.mark.django_db
def test_an_entry_cannot_be_changed_or_deleted():
    entry = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="desk")
    entry.username = "someone-else"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).username == "desk"


@pytest.mark.django_db
def test_the_chief_reads_the_trail_but_cannot_edit_or_delete_it_in_the_admin():
    entry = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="desk")
    chief = Client()
    chief.force_login(StaffUserFactory(username="chief", role=EDITOR_IN_CHIEF))
    assert "desk" in chief.get(TRAIL_URL).content.decode()
    page = chief.get(reverse("admin:staff_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and "تسجيل دخول" in page.content.decode()
    delete_url = reverse("admin:staff_auditentry_delete", args=[entry.pk])
    assert chief.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_desk_editor_cannot_read_the_trail():
    desk = Client()
    desk.force_login(StaffUserFactory(username="desk", role=DESK_EDITOR))
    assert desk.get(TRAIL_URL).status_code == 403
