"""The one way to write to the audit trail, and who is writing.

Who and from where: the request being served, when there is one. `AuditRequestMiddleware`
(staff/middleware.py) makes a request the current one for the code it runs (admin, list
actions, services, uploads), so signal receivers far from the view still know the person and
the address; for a staff request it also gives both to django-auditlog (`set_actor`), which
writes the changes to followed rows (staff/trail.py). Without a request (the importer, a
command, the shell) the entry names nobody and is marked as written by the system
(`detail["via"] = "system"`).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from newsroom.proxies import client_ip_address

from .models import AuditEntry

_current_request: ContextVar = ContextVar("staff_audit_request", default=None)


@contextmanager
def serving(request):
    """Make `request` the current one while the block runs."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request():
    return _current_request.get()


def _signed_in(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _kinds_recorded(request) -> set[str]:
    if not hasattr(request, "_audit_kinds_recorded"):
        request._audit_kinds_recorded = set()
    return request._audit_kinds_recorded


def recorded_during(request, kind: str) -> bool:
    """Whether an entry of `kind` was already written while serving `request`."""
    return kind in getattr(request, "_audit_kinds_recorded", ())


def record(
    *,
    kind: str,
    request=None,
    user=None,
    username: str = "",
    subject: str = "",
    detail=None,
) -> AuditEntry:
    """Write one event's entry (about no row django-auditlog follows). `user` is who acted;
    without one, the current request's user."""
    request = request if request is not None else current_request()
    user = _signed_in(user)
    if user is None and not username and request is not None:
        user = _signed_in(getattr(request, "user", None))
    detail = dict(detail or {})
    if user is None and not username and request is None:
        detail["via"] = "system"
    if request is not None:
        _kinds_recorded(request).add(kind)
    return AuditEntry.objects.create(
        kind=kind,
        actor=user,
        username=username or (user.get_username() if user is not None else ""),
        remote_addr=client_ip_address(request) if request is not None else None,
        object_repr=str(subject)[:200],
        additional_data=detail,
    )
