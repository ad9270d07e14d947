"""Staff-only middleware: sessions that end, and the second factor a role requires.

A request without a session cookie (every reader's) passes both untouched: no query, no
session read, no cookie, no `Vary: Cookie` (test_query_counts.py, test_staff_cost_readers_nothing).
"""

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from newsroom.proxies import client_ip_address

from . import audit, sessions
from .models import AuditEntry
from .two_factor import has_device, two_factor_required

# What a staff member who must enrol may still open: the enrolment wizard, its QR code, and the
# way out. (Static files never reach this middleware: WhiteNoise answers them first.)
ENROLMENT_VIEWS = {"two_factor:setup", "two_factor:qr"}
ALWAYS_OPEN_VIEWS = {"two_factor:login", "admin:logout", "admin:login"}


def _has_session_cookie(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class AuditRequestMiddleware:
    """Makes the request the current one for the audit trail (staff/audit.py), so entries
    written deep in a service or a signal name the person and the address; gives a staff
    request's person and address to django-auditlog for the changes it records
    (`auditlog.context.set_actor`; not its AuditlogMiddleware, which reads `request.user` on
    every request); and records a 403 answered to a signed-in staff member (a refused
    permission attempt), unless the service that refused recorded it first. Costs a reader
    nothing: a request without a session cookie is never looked into (no session read, no
    query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.serving(request):
            if not _has_session_cookie(request):
                return self.get_response(request)
            actor = request.user if request.user.is_authenticated else None
            with set_actor(actor, remote_addr=client_ip_address(request)):
                response = self.get_response(request)
            if (
                response.status_code == 403
                and request.user.is_authenticated
                and request.user.is_staff
                # A service that refused already recorded why (its move and reason).
                and not audit.recorded_during(request, AuditEntry.PERMISSION_REFUSED)
            ):
                audit.record(
                    kind=AuditEntry.PERMISSION_REFUSED,
                    request=request,
                    user=request.user,
                    detail={"method": request.method, "path": request.path[:200]},
                )
        return response


class StaffSessionMiddleware:
    """Ends a staff session idle for NEWSROOM_STAFF_IDLE_MINUTES or older than
    NEWSROOM_STAFF_SESSION_HOURS: recorded, signed out, sent to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            _has_session_cookie(request)
            and request.user.is_authenticated
            and request.user.is_staff
            and (reason := sessions.expiry_reason(request))
        ):
            sessions.session_expired(request, reason=reason)
            logout(request)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A staff member whose role requires two-factor sign-in reaches nothing with a password
    alone: without a device they are sent to enrol, with one to sign in with its code. Every
    view counts (admin pages, list actions, the editor's upload endpoint, previews)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _has_session_cookie(request):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in ALWAYS_OPEN_VIEWS or not two_factor_required(user):
            return None
        if has_device(user):
            # Signed in with the password alone (a session from before the rule): sign in
            # again with the code.
            logout(request)
            return redirect_to_login(request.get_full_path())
        if view_name in ENROLMENT_VIEWS:
            return None
        return redirect("two_factor:setup")
