from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .audit import record
from .models import AuditEntry


@receiver(user_logged_in, dispatch_uid="staff_audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    record(action=AuditEntry.SIGN_IN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="staff_audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The password is never kept; only the name that was tried.
    record(
        action=AuditEntry.SIGN_IN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="staff_audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(action=AuditEntry.LOCKED_OUT, request=request, username=str(username or "")[:150])
