"""Signing in through the two-factor wizard as a browser does: the password step, then the code
step (a code computed from the device's key, as the authenticator app does)."""

from django.urls import reverse
from django_otp.oath import totp

LOGIN_URL = reverse("two_factor:login")
STEP = "staff_login_view-current_step"


def password_step(client, username, password, next_url="/admin/", **extra):
    return client.post(
        f"{LOGIN_URL}?next={next_url}",
        {STEP: "auth", "auth-username": username, "auth-password": password},
        **extra,
    )


def code_step(client, code, next_url="/admin/", **extra):
    return client.post(
        f"{LOGIN_URL}?next={next_url}", {STEP: "token", "token-otp_token": code}, **extra
    )


def recovery_step(client, code, next_url="/admin/", **extra):
    client.post(f"{LOGIN_URL}?next={next_url}", {STEP: "token", "wizard_goto_step": "backup"})
    return client.post(
        f"{LOGIN_URL}?next={next_url}", {STEP: "backup", "backup-otp_token": code}, **extra
    )


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
