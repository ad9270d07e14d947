"""The one way to write to the audit trail."""

from newsroom.proxies import client_ip_address

from .models import AuditEntry


def record(*, action: str, request=None, user=None, username: str = "", detail=None) -> AuditEntry:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry.objects.create(
        action=action,
        actor=user,
        username=username or (user.get_username() if user is not None else ""),
        address=client_ip_address(request) if request is not None else None,
        detail=detail or {},
    )
