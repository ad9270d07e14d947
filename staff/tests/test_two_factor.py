import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.roles import DESK_EDITOR, EDITOR_IN_CHIEF, REPORTER
from articles.tests.factories import StaffUserFactory
from staff.models import AuditEntry, RolePolicy, StaffAccount
from staff.tests.signin import code_step, current_code, password_step, recovery_step
from staff.two_factor import two_factor_required

PASSWORD = "correct horse battery"
SETUP_URL = reverse("two_factor:setup")
ADMIN_URL = reverse("admin:index")


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


@pytest.mark.django_db
def test_desk_editors_and_the_chief_must_use_two_factor_by_default_and_reporters_need_not():
    assert two_factor_required(StaffUserFactory(role=DESK_EDITOR))
    assert two_factor_required(StaffUserFactory(role=EDITOR_IN_CHIEF))
    assert not two_factor_required(StaffUserFactory(role=REPORTER))
    assert set(RolePolicy.objects.values_list("group__name", "requires_two_factor")) == {
        (REPORTER, False),
        (DESK_EDITOR, True),
        (EDITOR_IN_CHIEF, True),
    }


@pytest.mark.django_db
def test_the_chief_can_require_it_for_reporters_too():
    chief = Client()
    chief.force_login(StaffUserFactory(username="chief", role=EDITOR_IN_CHIEF))
    policy = RolePolicy.objects.get(group__name=REPORTER)
    response = chief.post(
        reverse("admin:staff_rolepolicy_change", args=[policy.pk]),
        {"requires_two_factor": "on"},
    )
    assert response.status_code == 302
    assert two_factor_required(StaffUserFactory(role=REPORTER))


@pytest.mark.django_db
def test_a_desk_editor_cannot_change_the_role_policies():
    desk = Client()
    desk.force_login(StaffUserFactory(username="desk", role=DESK_EDITOR))
    policy = RolePolicy.objects.get(group__name=DESK_EDITOR)
    url = reverse("admin:staff_rolepolicy_change", args=[policy.pk])
    assert desk.post(url, {}).status_code == 403
    assert RolePolicy.objects.get(pk=policy.pk).requires_two_factor


@pytest.mark.django_db
def test_a_desk_editor_without_a_device_is_sent_to_enrol_after_the_password(client):
    StaffUserFactory(username="desk", role=DESK_EDITOR)
    assert password_step(client, "desk", PASSWORD).status_code == 302
    response = client.get(ADMIN_URL)
    assert response.status_code == 302
    assert response["Location"] == SETUP_URL
    assert client.get(SETUP_URL).status_code == 200


@pytest.mark.django_db
def test_a_reporter_without_a_device_reaches_the_admin_with_the_password(client):
    StaffUserFactory(username="reporter", role=REPORTER)
    password_step(client, "reporter", PASSWORD)
    assert client.get(ADMIN_URL).status_code == 200


@pytest.mark.django_db
def test_with_a_device_the_password_alone_opens_nothing_and_the_code_signs_in(client):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    device = enrolled(desk)
    response = password_step(client, "desk", PASSWORD)
    assert response.status_code == 200  # the code step, not a session
    assert "رمز التحقق" in response.content.decode()
    assert client.get(ADMIN_URL).status_code == 302
    assert code_step(client, current_code(device)).status_code == 302
    assert client.get(ADMIN_URL).status_code == 200
    assert AuditEntry.objects.filter(kind=AuditEntry.SIGN_IN, actor=desk).count() == 1


@pytest.mark.django_db
def test_a_wrong_code_is_refused_in_arabic_and_recorded(client):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    enrolled(desk)
    password_step(client, "desk", PASSWORD)
    response = code_step(client, "000000", REMOTE_ADDR="127.0.0.8")
    assert response.status_code == 200
    assert "الرمز غير صحيح" in response.content.decode()
    assert client.get(ADMIN_URL).status_code == 302
    entry = AuditEntry.objects.get(kind=AuditEntry.TWO_FACTOR_FAILED)
    assert (entry.actor, entry.remote_addr) == (desk, "127.0.0.8")


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_and_is_recorded(client):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    enrolled(desk)
    codes = StaticDevice.objects.create(user=desk, name="backup")
    codes.token_set.create(token="recover1")
    codes.token_set.create(token="recover2")
    password_step(client, "desk", PASSWORD)
    assert recovery_step(client, "recover1").status_code == 302
    assert client.get(ADMIN_URL).status_code == 200
    entry = AuditEntry.objects.get(kind=AuditEntry.RECOVERY_CODE_USED)
    assert entry.actor == desk and entry.detail == {"remaining": 1}

    again = Client()
    password_step(again, "desk", PASSWORD)
    assert recovery_step(again, "recover1").status_code == 200  # used up
    assert again.get(ADMIN_URL).status_code == 302


@pytest.mark.django_db
def test_the_admins_password_only_form_no_longer_signs_anyone_in(client):
    StaffUserFactory(username="desk", role=DESK_EDITOR)
    response = client.post(
        reverse("admin:login"), {"username": "desk", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_enrolment_is_recorded(client, password_only_login):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    password_only_login(client, desk)
    step = "staff_setup_view-current_step"
    client.post(SETUP_URL, {step: "welcome"})
    key = client.session["wizard_staff_setup_view"]["extra_data"]["keys"]["generator"]
    device = TOTPDevice(key=key)
    response = client.post(SETUP_URL, {step: "generator", "generator-token": current_code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=desk, confirmed=True).exists()
    assert client.get(ADMIN_URL).status_code == 200  # verified by the code just typed
    assert AuditEntry.objects.filter(kind=AuditEntry.TWO_FACTOR_ENROLLED, actor=desk).exists()


@pytest.mark.django_db
def test_the_chief_resets_a_lost_device_and_the_reset_is_recorded(client_of_user):
    desk = StaffUserFactory(username="desk", role=DESK_EDITOR)
    enrolled(desk)
    StaticDevice.objects.create(user=desk, name="backup").token_set.create(token="recover1")
    desk_browser = client_of_user(desk)
    chief_user = StaffUserFactory(username="chief", role=EDITOR_IN_CHIEF)
    chief = client_of_user(chief_user)
    response = chief.post(
        reverse("admin:staff_staffaccount_changelist"),
        {"action": "reset_two_factor", "_selected_action": [desk.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=desk).exists()
    assert not StaticDevice.objects.filter(user=desk).exists()
    assert desk_browser.get(ADMIN_URL).status_code == 302  # her open session ended too
    entry = AuditEntry.objects.get(kind=AuditEntry.TWO_FACTOR_RESET)
    assert entry.actor == chief_user and entry.detail["account"] == "desk"


@pytest.mark.django_db
def test_a_desk_editor_cannot_reset_anyones_device(client_of_user):
    reporter = StaffUserFactory(username="reporter", role=REPORTER)
    enrolled(reporter)
    desk = client_of_user(StaffUserFactory(username="desk", role=DESK_EDITOR))
    response = desk.post(
        reverse("admin:staff_staffaccount_changelist"),
        {"action": "reset_two_factor", "_selected_action": [reporter.pk]},
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=reporter, name="default").exists()
    assert not StaffAccount.objects.none().exists()
