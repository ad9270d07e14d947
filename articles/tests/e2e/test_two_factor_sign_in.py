"""Two-factor sign-in in the browser: a desk editor enrols (QR code and key, a code computed from
that key as her authenticator would), signs in with a code, is refused a wrong one, signs in
with a recovery code, and after the chief resets her lost device is sent to enrol again."""

import base64
import re
import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles import roles
from articles.tests.e2e.conftest import PASSWORD, authenticator_code, with_authenticator
from articles.tests.factories import StaffUserFactory
from staff.models import AuditEntry


def code_from_key(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def password_step(page, username):
    page.goto("/admin/login/")
    page.get_by_label("اسم المستخدم").fill(username)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.locator("#login-form input[type=submit]").click()


def test_a_desk_editor_enrols_signs_in_is_refused_a_wrong_code_and_uses_a_recovery_code(
    new_page, desk_account, screenshot
):
    TOTPDevice.objects.filter(user=desk_account).delete()  # she has not enrolled yet
    page = new_page()
    password_step(page, "hala")
    # Her role requires it: the admin sends her to enrol before anything else.
    page.wait_for_url(re.compile(r"/admin/account/two-factor/setup/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="تفعيل التحقق بخطوتين")).to_be_visible()
    screenshot(page, "enrol-welcome")
    page.locator("#login-form input[type=submit]").click()
    expect(page.get_by_role("img", name=re.compile("رمز QR"))).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    screenshot(page, "enrol-qr-code")
    page.get_by_label("رمز التفويض").fill(code_from_key(secret))
    page.locator("#login-form input[type=submit]").click()
    expect(page.get_by_role("heading", name="فُعّل التحقق بخطوتين")).to_be_visible()
    page.get_by_role("link", name="إنشاء رموز الاسترداد").click()
    page.get_by_role("button", name="إنشاء رموز جديدة").click()
    expect(page.locator(".two-factor__codes code")).to_have_count(10)  # after the page loads
    codes = page.locator(".two-factor__codes code").all_inner_texts()
    screenshot(page, "recovery-codes")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    assert AuditEntry.objects.filter(kind=AuditEntry.TWO_FACTOR_ENROLLED).exists()

    # Another browser: the password, then a wrong code, then the right one.
    laptop = new_page()
    password_step(laptop, "hala")
    laptop.get_by_label("رمز التحقق").fill("000000")
    laptop.locator("#login-form input[type=submit]").click()
    expect(laptop.locator(".errornote, .errorlist").first).to_contain_text("الرمز غير صحيح")
    screenshot(laptop, "wrong-code")
    laptop.goto("/admin/")
    assert "/admin/login/" in laptop.url  # no session from the password and a wrong code
    # After a wrong code django-otp refuses any code for a moment (1 s, doubling with each
    # failure): she types the right one once that has passed, as a person would.
    device = TOTPDevice.objects.get(user=desk_account, name="default")
    failures = device.throttling_failure_count
    time.sleep(device.get_throttle_factor() * 2 ** (failures - 1) + 0.5 if failures else 0)
    password_step(laptop, "hala")
    laptop.get_by_label("رمز التحقق").fill(authenticator_code(desk_account))
    laptop.locator("#login-form input[type=submit]").click()
    laptop.wait_for_url(re.compile(r"/admin/$"))

    # A third browser, without the phone: a recovery code, once.
    phone_lost = new_page()
    password_step(phone_lost, "hala")
    phone_lost.get_by_role("button", name="استخدام رمز استرداد").click()
    phone_lost.get_by_label("رمز الاسترداد").fill(codes[0])
    phone_lost.locator("#login-form input[type=submit]").click()
    phone_lost.wait_for_url(re.compile(r"/admin/$"))
    assert AuditEntry.objects.filter(kind=AuditEntry.RECOVERY_CODE_USED).exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.TWO_FACTOR_FAILED).exists()


def test_the_chief_resets_a_lost_device_and_the_editor_enrols_again(
    new_page, desk_account, newsroom_roles, admin_login, screenshot
):
    chief = with_authenticator(
        StaffUserFactory(username="chief", password=PASSWORD, role=roles.EDITOR_IN_CHIEF)
    )
    page = admin_login(new_page(), chief)
    page.goto("/admin/staff/staffaccount/")
    page.get_by_role("row", name=re.compile("hala")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("reset_two_factor")
    page.locator("#changelist-form button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("أُعيد ضبط التحقق بخطوتين")
    screenshot(page, "reset-done")
    assert not TOTPDevice.objects.filter(user=desk_account).exists()
    entry = AuditEntry.objects.get(kind=AuditEntry.TWO_FACTOR_RESET)
    assert entry.detail["account"] == "hala"

    editor = new_page()
    password_step(editor, "hala")
    editor.wait_for_url(re.compile(r"/admin/account/two-factor/setup/$"))
