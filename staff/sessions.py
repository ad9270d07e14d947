"""Staff sessions that end: after an idle time, after an absolute lifetime, on request, and at
once when the person's password changes or a role is taken away.

The session itself lives in Django's session store; each signed-in staff session also has a
`StaffSession` row (device, address, last request) so the person can see and end it. Only
requests carrying a session cookie from a staff member come here: readers cost nothing.
"""

import time
from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from newsroom.proxies import client_ip_address

from .audit import record
from .models import AuditEntry, StaffSession

STARTED = "staff_session_started"
SEEN = "staff_session_seen"
TRACKED_KEY = "staff_session_key"
# The last request is written down at most this often: a busy editor costs one write a minute,
# not one per click.
TOUCH_EVERY_SECONDS = 60


def idle_seconds() -> int:
    return settings.NEWSROOM_STAFF_IDLE_MINUTES * 60


def lifetime_seconds() -> int:
    return int(settings.NEWSROOM_STAFF_SESSION_HOURS * 3600)


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def session_started(request, user) -> None:
    """At sign-in: the session's clocks start and its row is written."""
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    _track(request, user, now)


def _track(request, user, now: float) -> None:
    key = request.session.session_key
    if key is None:
        request.session.save()
        key = request.session.session_key
    StaffSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "address": client_ip_address(request),
            "started_at": _moment(request.session.get(STARTED, now)),
            "last_seen_at": _moment(now),
        },
    )
    # The store keeps the session SESSION_COOKIE_AGE (the lifetime) past its last write, so
    # the end of an idle or too-old session is seen here, recorded, and then the session goes.
    request.session[TRACKED_KEY] = key


def expiry_reason(request) -> str | None:
    """'idle' or 'lifetime' when this staff session has run out; else None (and the last request
    is written down when it is due)."""
    now = time.time()
    session = request.session
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:
        # A session from before these limits: its clocks start now.
        started = session.setdefault(STARTED, now)
        seen = session.setdefault(SEEN, now)
    if now - seen > idle_seconds():
        return "idle"
    if now - started > lifetime_seconds():
        return "lifetime"
    if now - seen >= TOUCH_EVERY_SECONDS or session.get(TRACKED_KEY) != session.session_key:
        session[SEEN] = now
        _track(request, request.user, now)
    return None


def session_expired(request, *, reason: str) -> None:
    """Record the end of the current session; the caller signs the person out."""
    key = request.session.session_key
    record(
        kind=AuditEntry.SESSION_EXPIRED,
        request=request,
        user=request.user,
        detail={"reason": reason},
    )
    StaffSession.objects.filter(session_key=key).delete()


def sessions_end(*, user, reason: str, request=None, keep: str | None = None) -> int:
    """End every session of `user` (but `keep`, a session key) at once; returns how many."""
    rows = StaffSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    store = _store()()
    for key in keys:
        store.delete(key)
    rows.delete()
    if keys:
        actor = request.user if request is not None else None
        record(
            kind=AuditEntry.SESSIONS_ENDED,
            request=request,
            user=actor,
            username="" if actor is not None and actor.is_authenticated else user.get_username(),
            detail={"account": user.get_username(), "reason": reason, "sessions": len(keys)},
        )
    return len(keys)


def open_sessions(user):
    return StaffSession.objects.filter(user=user, last_seen_at__gt=_idle_cutoff())


def _idle_cutoff():
    return timezone.now() - timedelta(seconds=idle_seconds())
