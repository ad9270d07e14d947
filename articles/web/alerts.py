"""The reader's side of breaking alerts: the service worker and the subscribe endpoints.

- `/sw.js`: the service worker (articles/web/sw.js), from the site's root so its scope is the
  whole site; plain JavaScript from our own origin, which the Content-Security-Policy allows
  (`worker-src 'self'`).
- `/alerts/key/`: this install's public VAPID key, which the page's script
  (static/articles/alerts.js) subscribes with. The private key never leaves the server.
- `/alerts/subscribe/` and `/alerts/unsubscribe/`: a browser's PushSubscription as JSON, POSTed
  by that script. Public pages carry no CSRF token (they come from the page cache), so these
  take no cookie and answer a cross-site Origin with 403; the body is at most 4 KB, and
  everything in it is checked by articles/alerts.py. Refusals are JSON with an Arabic `error`.
"""

import json
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles import alerts
from articles.models import PushKeys
from newsroom.proxies import client_ip_address

SERVICE_WORKER = (Path(__file__).resolve().parent / "sw.js").read_text(encoding="utf-8")
MAX_BODY_BYTES = 4096


@require_safe
def service_worker(request):
    response = HttpResponse(SERVICE_WORKER, content_type="text/javascript; charset=utf-8")
    # Browsers look for a new worker at least daily anyway; this makes them look every time.
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_safe
def public_key(request):
    return JsonResponse({"publicKey": PushKeys.current().public_key})


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _same_origin(request) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}"


def _body(request):
    """The JSON body, or a refusal to answer with."""
    if not _same_origin(request):
        return None, _refused("لا يُقبل طلب الاشتراك إلا من صفحات الموقع نفسه.", 403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return None, _refused("طلب الاشتراك أكبر من اللازم.", 413)
    try:
        # Bounded above: the length was checked, and Django reads no more than it says.
        return json.loads(request.body), None
    except (ValueError, RecursionError, RawPostDataException, OSError):
        return None, _refused("طلب الاشتراك غير مفهوم.")


def _answer(action):
    try:
        return action()
    except alerts.SubscriptionRefused as refusal:
        return _refused(str(refusal), refusal.status)


@never_cache
@csrf_exempt
@require_POST
def subscribe(request):
    data, refusal = _body(request)
    if refusal:
        return refusal

    def add():
        alerts.subscription_add(data=data, address=client_ip_address(request))
        return JsonResponse(
            {"message": "فُعّلت التنبيهات العاجلة على هذا المتصفح."},
            status=201,
            json_dumps_params={"ensure_ascii": False},
        )

    return _answer(add)


@never_cache
@csrf_exempt
@require_POST
def unsubscribe(request):
    data, refusal = _body(request)
    if refusal:
        return refusal

    def remove():
        alerts.subscription_remove(data=data)
        return JsonResponse(
            {"message": "أُوقفت التنبيهات العاجلة على هذا المتصفح."},
            json_dumps_params={"ensure_ascii": False},
        )

    return _answer(remove)
