"""Breaking alerts: readers' subscriptions, the desk's send, and the delivery after the response.

- `subscription_add` / `subscription_remove`: what the public endpoints (articles/web/alerts.py)
  call with a browser's PushSubscription. Everything is checked strictly, and a refusal is a
  `SubscriptionRefused` with an Arabic message: the endpoint must be HTTPS on a known push
  service (NEWSROOM_PUSH_SERVICE_HOSTS; plain http://127.0.0.1 only when the tests'
  NEWSROOM_PUSH_ALLOW_LOOPBACK says so), the keys base64url of their exact lengths, the p256dh
  a point on P-256, and one address makes at most NEWSROOM_PUSH_SUBSCRIBE_PER_HOUR of them.
- `alert_send(*, article, by, title=None)`: the desk's one send from a published breaking story
  (permission `articles.send_alert`: desk editors and the chief), never twice for one story and
  never within NEWSROOM_ALERT_MIN_MINUTES of the previous alert, site-wide. It records an
  `Alert` and enqueues `deliver_alert` once the transaction commits.
- `deliver_alert(alert_id=…)`: the task (Django's tasks interface, the queue of
  newsroom/settings.py's TASKS). It sends the payload (title, body, story address, icon) to
  every subscription with pywebpush (TTL NEWSROOM_ALERT_TTL_SECONDS, urgency high), counts what
  was delivered, what failed and what the push service said is gone (404/410: that
  subscription is deleted), and marks the alert delivered. Run twice, it sends once: the alert
  is claimed (queued → sending) in its own transaction before anything goes out.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.templatetags.static import static
from django.utils import timezone
from django_tasks import task

from articles import events
from articles.models import Alert, Article, Masthead, PushKeys, PushSubscription
from articles.models.alerts import SEND_ALERT, b64url_decode

User = AbstractBaseUser | AnonymousUser
log = logging.getLogger(__name__)

SEND_REFUSAL = "إرسال التنبيهات العاجلة إلى القراء من عمل محرري الديسك ورئيس التحرير."
MAX_ENDPOINT_LENGTH = 1000
MAX_TITLE_LENGTH = 120


class SubscriptionRefused(ValueError):
    """A subscription the site does not take; `str()` is the Arabic reason for the reader."""

    status = 400


class TooManySubscriptions(SubscriptionRefused):
    status = 429


# Readers' subscriptions ----------------------------------------------------------------------


def _host_allowed(host: str) -> bool:
    return any(
        host == allowed or host.endswith("." + allowed)
        for allowed in settings.NEWSROOM_PUSH_SERVICE_HOSTS
    )


def check_endpoint(endpoint) -> str:
    """The endpoint as given, if the site may send to it; SubscriptionRefused otherwise."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise SubscriptionRefused("عنوان خدمة التنبيهات ناقص أو أطول من اللازم.")
    if not endpoint.isascii() or any(c.isspace() or ord(c) < 32 for c in endpoint):
        raise SubscriptionRefused("عنوان خدمة التنبيهات غير صالح.")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError as error:
        raise SubscriptionRefused("عنوان خدمة التنبيهات غير صالح.") from error
    if parts.username or parts.password or parts.fragment:
        raise SubscriptionRefused("عنوان خدمة التنبيهات غير صالح.")
    if parts.scheme == "http" and settings.NEWSROOM_PUSH_ALLOW_LOOPBACK and host == "127.0.0.1":
        return endpoint  # the tests' push service on loopback, never in production
    if parts.scheme != "https":
        raise SubscriptionRefused("يجب أن يكون عنوان خدمة التنبيهات آمنًا (https).")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise SubscriptionRefused("لا تُقبل خدمة تنبيهات على عنوان رقمي.")
    if port not in (None, 443) or not _host_allowed(host):
        raise SubscriptionRefused("خدمة التنبيهات هذه ليست من خدمات المتصفحات المعروفة.")
    return endpoint


def _check_keys(keys) -> tuple[str, str]:
    if not isinstance(keys, dict):
        raise SubscriptionRefused("مفاتيح الاشتراك ناقصة.")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
    except (ValueError, TypeError) as error:
        raise SubscriptionRefused("مفاتيح الاشتراك ليست بالترميز المطلوب.") from error
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise SubscriptionRefused("مفاتيح الاشتراك ليست بالطول المطلوب.")
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as error:
        raise SubscriptionRefused("مفتاح المتصفح ليس مفتاحًا صالحًا.") from error
    return p256dh, auth


def client_hash(address: str | None) -> str:
    """A keyed hash of a reader's address: enough to count, never the address itself."""
    return hmac.new(
        settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def subscription_add(*, data, address: str | None) -> PushSubscription:
    """Store (or renew) a browser's subscription from its PushSubscription.toJSON()."""
    if not isinstance(data, dict):
        raise SubscriptionRefused("طلب الاشتراك غير مفهوم.")
    endpoint = check_endpoint(data.get("endpoint"))
    p256dh, auth = _check_keys(data.get("keys"))
    hashed = client_hash(address)
    existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if existing is not None:
        existing.p256dh, existing.auth, existing.failures = p256dh, auth, 0
        existing.save(update_fields=["p256dh", "auth", "failures"])
        return existing
    recent = PushSubscription.objects.filter(
        client_hash=hashed, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= settings.NEWSROOM_PUSH_SUBSCRIBE_PER_HOUR:
        raise TooManySubscriptions("طلبات اشتراك كثيرة من هذا الجهاز؛ حاول بعد ساعة.")
    try:
        with transaction.atomic():
            return PushSubscription.objects.create(
                endpoint=endpoint, p256dh=p256dh, auth=auth, client_hash=hashed
            )
    except IntegrityError:  # the same browser twice at once: the first one stands
        return PushSubscription.objects.get(endpoint=endpoint)


def subscription_remove(*, data) -> bool:
    """Forget a subscription by its endpoint (the reader turned alerts off). True if it was
    known."""
    if not isinstance(data, dict):
        raise SubscriptionRefused("طلب إلغاء الاشتراك غير مفهوم.")
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise SubscriptionRefused("عنوان خدمة التنبيهات ناقص أو أطول من اللازم.")
    deleted, _ = PushSubscription.objects.filter(endpoint=endpoint).delete()
    return bool(deleted)


# The desk's send --------------------------------------------------------------------------------


def can_send_alerts(user: User) -> bool:
    return bool(user.is_active and user.has_perm(SEND_ALERT))


@dataclass(frozen=True)
class Readiness:
    """Whether a story may be alerted now, and if not why (in Arabic)."""

    refusal: str | None
    subscribers: int

    @property
    def ok(self) -> bool:
        return self.refusal is None


def refusal_for(*, article: Article) -> str | None:
    """Why `article` cannot be alerted now, or None. Permission is checked apart."""
    if not article.is_published:
        return "لا يُرسل تنبيه إلا عن خبر منشور."
    if not article.is_breaking:
        return "لا يُرسل تنبيه إلا عن خبر معلَّم «عاجل»."
    if Alert.objects.filter(article_id=article.pk).exists():
        return "أُرسل تنبيه عن هذا الخبر من قبل؛ لا يُرسل التنبيه مرتين عن خبر واحد."
    minutes = settings.NEWSROOM_ALERT_MIN_MINUTES
    last = Alert.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and last > timezone.now() - timedelta(minutes=minutes):
        wait = last + timedelta(minutes=minutes)
        return (
            f"أُرسل تنبيه عاجل قبل أقل من {minutes} دقيقة؛ لا يُرسل تنبيه آخر قبل "
            f"{timezone.localtime(wait):%H:%M}، حتى لا يُثقل على القراء."
        )
    return None


def readiness(*, article: Article) -> Readiness:
    return Readiness(
        refusal=refusal_for(article=article), subscribers=PushSubscription.objects.count()
    )


@events.announces_refusals("send_alert")
@transaction.atomic
def alert_send(*, article: Article, by: User, title: str | None = None) -> Alert:
    """Send a breaking alert about `article` to every subscribed reader (after the commit)."""
    if not can_send_alerts(by):
        raise PermissionDenied(SEND_REFUSAL)
    # The keys' row is the site-wide lock: two desks sending at once are judged one by one.
    PushKeys.current()
    PushKeys.objects.select_for_update().get(pk=1)
    stored = Article.objects.select_for_update().get(pk=article.pk)
    refusal = refusal_for(article=stored)
    if refusal:
        raise ValidationError(refusal, code="alert_refused")
    title = " ".join((title or stored.headline).split())[:MAX_TITLE_LENGTH]
    if not title:
        raise ValidationError("اكتب نص التنبيه.", code="required")
    alert = Alert.objects.create(
        article=stored,
        title=title,
        sent_by=by if by.is_authenticated else None,
        subscribers=PushSubscription.objects.count(),
    )
    events.workflow_moved.send(
        sender=Article,
        article=stored,
        by=by,
        action="send_alert",
        label="أُرسل تنبيه عاجل",
        comment=title,
    )
    transaction.on_commit(lambda: deliver_alert.enqueue(alert_id=alert.pk))
    return alert


# Delivery ---------------------------------------------------------------------------------------


def payload(alert: Alert) -> dict:
    """What the service worker (static/articles/sw.js) shows: title, body, story, icon."""
    masthead = Masthead.objects.first()
    icons = masthead.icon_urls() if masthead else {}
    return {
        "title": (masthead.site_name if masthead else "") or "عاجل",
        "body": alert.title,
        "url": alert.article.get_absolute_url(),
        "icon": icons.get("apple") or static("articles/favicon.png"),
        "tag": f"alert-{alert.pk}",
    }


def _claim(alert_id: int) -> Alert | None:
    """The alert to deliver, marked as being sent: a queued one, or one whose delivery was cut
    short (the queue runs it again when its killed worker restarts); None once delivered."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update().select_related("article").filter(pk=alert_id).first()
        )
        if alert is None or alert.status == Alert.Status.DELIVERED:
            return None
        alert.status = Alert.Status.SENDING
        alert.save(update_fields=["status"])
        return alert


# Subscriptions sent to between two records of the delivery's progress: a delivery resumed
# after a crash sends again to at most this many, and the notification's tag makes a phone
# that gets it twice show it once.
DELIVERY_BATCH = 100


@task()
def deliver_alert(*, alert_id: int) -> dict:
    """Send one alert to every subscription, a batch at a time, recording its progress: run
    again (its worker killed mid-way), it resumes after the last batch recorded; once
    delivered, a run sends nothing."""
    # Here, not at the top: the web processes, which only take subscriptions, never load the
    # HTTP clients (requests, aiohttp) that pywebpush brings.
    import requests
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    alert = _claim(alert_id)
    if alert is None:
        return {"skipped": True}
    vapid = Vapid.from_pem(PushKeys.current().private_key.encode("ascii"))
    data = json.dumps(payload(alert), ensure_ascii=False)
    # Each sending thread has one session: its connections are reused across a push service's
    # subscriptions. A push service never redirects; one that tries is a failure, not a request
    # to another address.
    local = threading.local()
    sessions = []

    def send(subscription: PushSubscription) -> tuple[str, str]:
        """("sent" | "gone" | "failed", the error) for one subscription."""
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.max_redirects = 0
            sessions.append(local.session)
        try:
            webpush(
                subscription_info=subscription.info(),
                data=data,
                vapid_private_key=vapid,
                vapid_claims={"sub": settings.NEWSROOM_PUSH_CONTACT},
                ttl=settings.NEWSROOM_ALERT_TTL_SECONDS,
                headers={"Urgency": "high"},
                timeout=settings.NEWSROOM_PUSH_TIMEOUT_SECONDS,
                requests_session=local.session,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                return "gone", ""
            return "failed", f"{status or ''} {error}".strip()[:500]
        except Exception as error:  # a network error, a refused key: count it, go on
            return "failed", f"{type(error).__name__}: {error}"[:500]
        return "sent", ""

    # Subscriptions are sent to several at a time: each waits on its push service's answer
    # (tens of milliseconds across the internet), so one at a time, a paper's readers would get
    # a breaking alert minutes apart.
    pool = ThreadPoolExecutor(max_workers=settings.NEWSROOM_PUSH_CONCURRENCY)
    try:
        _deliver_in_batches(alert, pool=pool, send=send, through=alert.delivered_through)
    finally:
        pool.shutdown()
        for session in sessions:
            session.close()
    Alert.objects.filter(pk=alert.pk).update(
        status=Alert.Status.DELIVERED, delivered_at=timezone.now()
    )
    alert.refresh_from_db()
    sent, failed = alert.sent, alert.failed
    if failed:
        log.warning("alert %s: %s deliveries failed (%s)", alert.pk, failed, alert.last_error)
    return {"sent": sent, "failed": failed, "gone": alert.gone}


def _deliver_in_batches(alert: Alert, *, pool, send, through: int) -> None:
    """Send to the subscriptions after `through`, a batch at a time, recording each batch's
    outcome and progress in one transaction."""
    while batch := list(
        PushSubscription.objects.filter(pk__gt=through).order_by("pk")[:DELIVERY_BATCH]
    ):
        outcomes = {"sent": [], "gone": [], "failed": []}
        last_error = ""
        for subscription, (outcome, error) in zip(batch, pool.map(send, batch), strict=True):
            outcomes[outcome].append(subscription.pk)
            last_error = error or last_error
        gone_ids, ok_ids, failed_ids = outcomes["gone"], outcomes["sent"], outcomes["failed"]
        through = batch[-1].pk
        with transaction.atomic():
            PushSubscription.objects.filter(pk__in=gone_ids).delete()
            PushSubscription.objects.filter(pk__in=ok_ids).update(
                last_success_at=timezone.now(), failures=0
            )
            PushSubscription.objects.filter(pk__in=failed_ids).update(failures=F("failures") + 1)
            Alert.objects.filter(pk=alert.pk).update(
                sent=F("sent") + len(ok_ids),
                failed=F("failed") + len(failed_ids),
                gone=F("gone") + len(gone_ids),
                delivered_through=through,
                **({"last_error": last_error} if last_error else {}),
            )
