from axes.signals import user_locked_out
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from two_factor.signals import user_verified

from .audit import record
from .models import AuditEntry
from .sessions import session_started, sessions_end
from .two_factor import recovery_code_used


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


# Two-factor sign-in and sessions that end (staff/two_factor.py, staff/sessions.py).


@receiver(user_logged_in, dispatch_uid="staff_session_started")
def _session_started(sender, request, user, **kwargs):
    if user.is_staff and request is not None and hasattr(request, "session"):
        session_started(request, user)


user_verified.connect(recovery_code_used, dispatch_uid="staff_audit_recovery_code_used")

# The account fields whose change ends every session of the person at once. Signals carry no
# request: the entry names the account whose sessions ended (from the admin, the shell or a
# command alike).
_ENDING_FIELDS = ("password", "is_active", "is_staff")


@receiver(pre_save, sender=User, dispatch_uid="staff_sessions_account_before")
def _remember_account(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._staff_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_ENDING_FIELDS):
        return  # e.g. last_login at every sign-in: nothing to compare, no query
    instance._staff_before = User.objects.filter(pk=instance.pk).values(*_ENDING_FIELDS).first()


@receiver(post_save, sender=User, dispatch_uid="staff_sessions_account_after")
def _account_changed(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_staff_before", None)
    if created or raw or not before:
        return
    if before["password"] != instance.password:
        sessions_end(user=instance, reason="password_changed")
    elif (before["is_active"] and not instance.is_active) or (
        before["is_staff"] and not instance.is_staff
    ):
        sessions_end(user=instance, reason="access_removed")


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="staff_sessions_role_removed")
def _role_removed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        # Who loses the role is known only before the rows go.
        users = [instance] if not reverse else list(instance.user_set.all())
        instance._staff_losing_role = users
        return
    if action == "post_remove":
        users = [instance] if not reverse else list(User.objects.filter(pk__in=pk_set))
    elif action == "post_clear":
        users = getattr(instance, "_staff_losing_role", [])
    else:
        return
    for user in users:
        sessions_end(user=user, reason="role_removed")
