from axes.signals import user_locked_out
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from two_factor.signals import user_verified

from articles import events
from articles.models import Article

from . import trail
from .audit import record
from .models import AuditEntry
from .sessions import session_started, sessions_end
from .two_factor import recovery_code_used


@receiver(user_logged_in, dispatch_uid="staff_audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    record(kind=AuditEntry.SIGN_IN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="staff_audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The password is never kept; only the name that was tried.
    record(
        kind=AuditEntry.SIGN_IN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="staff_audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(kind=AuditEntry.LOCKED_OUT, request=request, username=str(username or "")[:150])


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


# What the desk's services announce (articles/events.py). Changes to the rows themselves are
# django-auditlog's (staff/trail.py).


def _story(article) -> str:
    return trail.subject(article) if article is not None else ""


def _status_label(status) -> str:
    return Article.Status(status).label if status else ""


@receiver(events.workflow_moved, dispatch_uid="staff_audit_workflow_moved")
def _workflow_moved(
    sender, article, by, action, label, from_status=None, to_status=None, comment="", **kwargs
):
    record(
        kind=AuditEntry.WORKFLOW_MOVE,
        user=by,
        subject=_story(article),
        detail={
            "move": action,
            "label": label,
            "from": _status_label(from_status),
            "to": _status_label(to_status),
            "comment": (comment or "")[:200],
        },
    )


@receiver(events.permission_refused, dispatch_uid="staff_audit_permission_refused")
def _permission_refused(sender, by, action, reason, article=None, **kwargs):
    record(
        kind=AuditEntry.PERMISSION_REFUSED,
        user=by,
        subject=_story(article),
        detail={"move": action, "reason": reason[:200]},
    )


@receiver(events.share_link_made, dispatch_uid="staff_audit_share_link_made")
def _share_link_made(sender, link, by, **kwargs):
    record(
        kind=AuditEntry.SHARE_LINK_MADE,
        user=by,
        subject=_story(link.article),
        detail={"link": link.pk, "expires_at": link.expires_at.isoformat()},
    )


@receiver(events.share_links_ended, dispatch_uid="staff_audit_share_links_ended")
def _share_links_ended(sender, article, by, reason, count, link=None, **kwargs):
    record(
        kind=AuditEntry.SHARE_LINK_ENDED,
        user=by,
        subject=_story(article),
        detail={"reason": reason, "count": count, **({"link": link.pk} if link else {})},
    )


@receiver(events.autosave_restored, dispatch_uid="staff_audit_autosave_restored")
def _autosave_restored(sender, by, article, story_key, saved_at, **kwargs):
    record(
        kind=AuditEntry.AUTOSAVE_RESTORED,
        user=by,
        subject=_story(article) if article is not None else f"خبر جديد ({story_key})",
        detail={"saved_at": saved_at.isoformat()},
    )
