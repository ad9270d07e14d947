"""Two-factor sign-in for staff, on django-otp and django-two-factor-auth.

Which accounts must use it is decided here, once: superusers always, and the members of a role
(group) whose `RolePolicy` requires it (desk editors and the editor-in-chief by default). The
middleware (staff/middleware.py) asks `two_factor_required()` on every staff request that is not
verified; the views below are the library's wizards with the audit trail added.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice
from two_factor.utils import default_device
from two_factor.views import (
    BackupTokensView,
    LoginView,
    ProfileView,
    SetupCompleteView,
    SetupView,
)

from articles.roles import DESK_EDITOR, EDITOR_IN_CHIEF

from .audit import record
from .models import AuditEntry
from .sessions import sessions_end

# For a role with no `RolePolicy` row (a group made after the migration): what the migration
# sets for the newsroom's roles.
REQUIRED_WITHOUT_POLICY = {DESK_EDITOR, EDITOR_IN_CHIEF}


def two_factor_required(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    roles = user.groups.values_list("name", "staff_policy__requires_two_factor")
    return any(
        name in REQUIRED_WITHOUT_POLICY if required is None else required
        for name, required in roles
    )


def has_device(user) -> bool:
    # The device the sign-in wizard asks a code from (django-two-factor-auth's "default").
    return default_device(user) is not None


def username_tried(request, credentials=None) -> str:
    """For django-axes: the name a sign-in attempt tried, which its locks are kept by."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    post = getattr(request, "POST", None) or {}
    return str(post.get("auth-username") or post.get("username") or "")


def may_manage_staff_security(user) -> bool:
    """The editor-in-chief (or a superuser) sets the role policies and resets devices."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=EDITOR_IN_CHIEF).exists())
    )


@transaction.atomic
def two_factor_reset(*, account, by, request=None) -> int:
    """A lost device: remove every device and recovery code of `account` and end its sessions,
    so its next sign-in is password then enrolment. Recorded in the audit trail."""
    if not may_manage_staff_security(by):
        raise PermissionDenied("إعادة ضبط التحقق بخطوتين لرئيس التحرير وحده.")
    devices = list(devices_for_user(account, confirmed=None))
    for device in devices:
        device.delete()
    sessions_end(user=account, reason="two_factor_reset", request=request)
    record(
        kind=AuditEntry.TWO_FACTOR_RESET,
        request=request,
        user=by,
        detail={"account": account.get_username(), "devices": len(devices)},
    )
    return len(devices)


# django-otp ships no Arabic: its messages for the code step, in Arabic.
CODE_ERRORS = {
    "token_required": "اكتب الرمز المكوّن من ستة أرقام الذي يعرضه تطبيق المصادقة.",
    "invalid_token": "الرمز غير صحيح أو انتهت صلاحيته. اكتب الرمز الذي يعرضه التطبيق الآن.",
    "n_failed_attempts": "أُوقف التحقق مؤقتًا بعد %(failure_count)d من المحاولات الخاطئة؛ أعد "
    "المحاولة بعد قليل.",
    "verification_not_allowed": "التحقق من الرمز موقوف مؤقتًا؛ أعد المحاولة بعد قليل.",
    "device_required": "اختر وسيلة التحقق.",
}


class AdminLook:
    """The admin's header, sidebar and site name on the library's pages."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class StaffLoginView(AdminLook, LoginView):
    """The sign-in wizard: password (throttled by django-axes), then the authenticator's code
    or a recovery code. A wrong code is recorded."""

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        if isinstance(form, OTPAuthenticationFormMixin):
            form.otp_error_messages = {**form.otp_error_messages, **CODE_ERRORS}
            backup = (step or self.steps.current) == self.BACKUP_STEP
            form.fields["otp_token"].label = "رمز الاسترداد" if backup else "رمز التحقق"
        return form

    def render(self, form=None, **kwargs):
        if (
            form is not None
            and form.is_bound
            and self.steps.current in (self.TOKEN_STEP, self.BACKUP_STEP)
            and not form.is_valid()
            and self.get_user()
        ):
            record(
                kind=AuditEntry.TWO_FACTOR_FAILED,
                request=self.request,
                user=self.get_user(),
                detail={
                    "step": "recovery_code" if self.steps.current == self.BACKUP_STEP else "code"
                },
            )
        return super().render(form, **kwargs)


class StaffSetupView(AdminLook, SetupView):
    """Enrolment: scan the QR code (or type the key), confirm with one code. Recorded."""

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        record(kind=AuditEntry.TWO_FACTOR_ENROLLED, request=self.request, user=self.request.user)
        return response


def recovery_code_used(sender, request, user, device, **kwargs):
    """two_factor's `user_verified` signal: a sign-in completed with a recovery code."""
    if isinstance(device, StaticDevice):
        remaining = device.token_set.count()
        record(
            kind=AuditEntry.RECOVERY_CODE_USED,
            request=request,
            user=user,
            detail={"remaining": remaining},
        )


class StaffProfileView(AdminLook, ProfileView):
    pass


class StaffSetupCompleteView(AdminLook, SetupCompleteView):
    pass


class StaffRecoveryCodesView(AdminLook, BackupTokensView):
    pass
