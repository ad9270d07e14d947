"""«جلساتي»: a staff member's open sessions, and ending them."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from .sessions import open_sessions, sessions_end


@require_http_methods(["GET", "HEAD", "POST"])
def my_sessions(request):
    current = request.session.session_key
    if request.method == "POST":
        which = request.POST.get("end")
        if which not in ("others", "all"):
            messages.error(request, "اختر الجلسات التي تريد إنهاءها.")
            return redirect("staff_sessions")
        ended = sessions_end(
            user=request.user,
            reason=f"by_user_{which}",
            request=request,
            keep=current if which == "others" else None,
        )
        if which == "all":
            logout(request)
            return redirect("admin:login")
        messages.success(request, f"أُنهيت الجلسات الأخرى ({ended}).")
        return redirect("staff_sessions")
    return TemplateResponse(
        request,
        "staff/sessions.html",
        {
            **admin.site.each_context(request),
            "title": "جلساتي",
            "sessions": open_sessions(request.user),
            "current_key": current,
            "idle_minutes": settings.NEWSROOM_STAFF_IDLE_MINUTES,
            "lifetime_hours": settings.NEWSROOM_STAFF_SESSION_HOURS,
        },
    )
