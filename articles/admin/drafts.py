"""The change form's background endpoints: autosave of unsaved work, and who else is editing.

Both answer JSON to the form's own script (articles/static/articles/admin/drafts.js), behind the
admin's login and CSRF checks; permissions are the workflow's, checked here on every request.
"""

import re
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from articles import events, workflow
from articles.admin.forms import display_name
from articles.converters import parse_id
from articles.models import Article, Autosave, EditingPresence

# A story's form is a few pages of text; anything far larger is not a form being typed.
AUTOSAVE_MAX_BYTES = 512 * 1024
PRESENCE_TTL = timedelta(seconds=20)
NEW_STORY_KEY = re.compile(r"^new-[A-Za-z0-9_-]{8,48}$")
# Never stored: the CSRF token and the autosave's own bookkeeping.
NOT_CONTENT = {"csrfmiddlewaretoken", "_autosave_key"}


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _story(request, story_key: str) -> Article | None:
    """The article a key names, once the user may edit it; None for a new story they may add."""
    user = request.user
    if NEW_STORY_KEY.match(story_key):
        if not user.has_perm("articles.add_article"):
            raise PermissionDenied
        return None
    pk = parse_id(story_key)
    article = Article.objects.filter(pk=pk).first() if pk is not None else None
    if article is None or not workflow.can_edit(article=article, user=user):
        raise PermissionDenied  # the same answer for "no such story" and "not yours"
    return article


def _describe(autosave: Autosave) -> dict:
    saved = timezone.localtime(autosave.saved_at)
    return {
        "saved_at": saved.isoformat(),
        "saved_at_display": date_format(saved, "j F Y، H:i"),
        "fields": autosave.fields,
    }


@require_http_methods(["GET", "POST"])
def autosave_view(request, story_key: str):
    """GET: the user's autosave of this story, if any. POST: replace it, discard it, or say that
    the editor brought it back into the form (`_restored`; recorded, nothing changes)."""
    try:
        article = _story(request, story_key)
    except PermissionDenied:
        return _error("لا تملك صلاحية تحرير هذا الخبر.", 403)
    mine = Autosave.objects.filter(user=request.user, story_key=story_key)
    if request.method == "GET":
        autosave = mine.first()
        return JsonResponse(_describe(autosave) if autosave else {"saved_at": None})
    if int(request.META.get("CONTENT_LENGTH") or 0) > AUTOSAVE_MAX_BYTES:
        return _error("النص أكبر من أن يُحفظ تلقائيًا؛ احفظ الخبر بالزر.", 413)
    if request.POST.get("_restored"):
        autosave = mine.first()
        if autosave is None:
            return _error("لا توجد نسخة محفوظة تلقائيًا لهذا الخبر.", 404)
        events.autosave_restored.send(
            sender=Autosave,
            by=request.user,
            article=article,
            story_key=story_key,
            saved_at=autosave.saved_at,
        )
        return JsonResponse({"saved_at": autosave.saved_at.isoformat(), "restored": True})
    if request.POST.get("_discard"):
        mine.delete()
        return JsonResponse({"saved_at": None})
    fields = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in NOT_CONTENT and not name.startswith("_")
    }
    autosave, _ = Autosave.objects.update_or_create(
        user=request.user,
        story_key=story_key,
        defaults={"article": article, "fields": fields, "saved_at": timezone.now()},
    )
    return JsonResponse(_describe(autosave) | {"fields": None})


def discard_after_save(*, user, article: Article, client_key: str = "") -> None:
    """A saved story needs no autosave: drop the one for it, and the one it had while new."""
    keys = [str(article.pk)]
    if NEW_STORY_KEY.match(client_key or ""):
        keys.append(client_key)
    Autosave.objects.filter(user=user, story_key__in=keys).delete()


@require_http_methods(["POST"])
def presence_view(request, object_id: str):
    """Heartbeat: the user has the story open; answer who else has, and who saved it since."""
    try:
        article = _story(request, object_id)
    except PermissionDenied:
        return _error("لا تملك صلاحية تحرير هذا الخبر.", 403)
    if article is None:
        return _error("لا يوجد خبر بهذا الرقم.", 404)
    now = timezone.now()
    mine = EditingPresence.objects.filter(user=request.user, article=article)
    if request.POST.get("_leave"):
        mine.delete()
        return JsonResponse({"others": []})
    EditingPresence.objects.update_or_create(
        user=request.user, article=article, defaults={"seen_at": now}
    )
    EditingPresence.objects.filter(article=article, seen_at__lt=now - PRESENCE_TTL).delete()
    others = (
        EditingPresence.objects.filter(article=article)
        .exclude(user=request.user)
        .select_related("user__editor_profile")
        .order_by("seen_at")
    )
    answer = {"others": [display_name(p.user) for p in others], "saved_by": None}
    opened_at = request.POST.get("opened_at", "")
    if (
        opened_at
        and article.updated_at
        and article.updated_at.isoformat() != opened_at
        and article.updated_by_id not in (None, request.user.pk)
    ):
        answer["saved_by"] = display_name(article.updated_by)
        answer["notice"] = f"حفظ {answer['saved_by']} الخبر قبل لحظات."
    return JsonResponse(answer)
