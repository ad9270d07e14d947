"""Breaking alerts on readers' phones: the Web Push protocol with this install's own VAPID keys.

- `PushKeys`: one row, the install's VAPID key pair, made on first need (`PushKeys.current()`).
  The private key never leaves the server (no page, no admin shows it); the public key is the
  `applicationServerKey` readers' browsers subscribe with.
- `PushSubscription`: a reader's browser that opted in (its push service's endpoint and the
  browser's encryption keys). Dropped when the push service answers 404 or 410.
- `Alert`: one alert the desk sent from a breaking story, with who, when and its delivery
  counts. At most one per story (a constraint), written by `articles.alerts.alert_send`.
"""

import base64

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article

# Who may send an alert (Alert.Meta.permissions; the desk and the chief, migration 0022).
SEND_ALERT = "articles.send_alert"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Base64url without padding, strictly: ValueError on anything else."""
    if not isinstance(text, str) or not text or "=" in text:
        raise ValueError("not base64url")
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushKeys(models.Model):
    """This install's VAPID key pair: one row (pk 1), generated the first time it is needed."""

    # The P-256 private key as PEM (PKCS#8), and the public key as browsers take it: the
    # uncompressed point, base64url.
    private_key = models.TextField(editable=False)
    public_key = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "مفاتيح التنبيهات (VAPID)"
        verbose_name_plural = "مفاتيح التنبيهات (VAPID)"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="push_keys_one_row")]

    def __str__(self):
        return "مفاتيح التنبيهات"

    @classmethod
    def current(cls) -> "PushKeys":
        """The install's keys, made now if this is the first time anyone needs them."""
        keys = cls.objects.filter(pk=1).first()
        if keys is not None:
            return keys
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        public = b64url(
            private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        # Two first requests at once: the first row wins, the other reads it.
        keys, _ = cls.objects.get_or_create(
            pk=1, defaults={"private_key": pem, "public_key": public}
        )
        return keys


class PushSubscription(models.Model):
    endpoint = models.URLField("عنوان خدمة الدفع", max_length=1000, unique=True)
    p256dh = models.CharField("مفتاح المتصفح", max_length=100)
    auth = models.CharField("سر المصادقة", max_length=30)
    # A keyed hash of the address it came from, to limit subscriptions per address (never the
    # address itself).
    client_hash = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField("اشترك في", default=timezone.now)
    last_success_at = models.DateTimeField("آخر تسليم", null=True, blank=True)
    failures = models.PositiveIntegerField("إخفاقات متتالية", default=0)

    class Meta:
        verbose_name = "اشتراك في التنبيهات"
        verbose_name_plural = "الاشتراكات في التنبيهات"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client_hash", "created_at"], name="push_sub_client_idx")]

    def __str__(self):
        return self.endpoint[:60]

    def info(self) -> dict:
        """What pywebpush takes: the subscription as the browser's PushSubscription.toJSON()."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Alert(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "في الانتظار"
        SENDING = "sending", "يُرسل"
        DELIVERED = "delivered", "أُرسل"

    article = models.OneToOneField(
        Article, verbose_name="الخبر", on_delete=models.CASCADE, related_name="alert"
    )
    title = models.CharField("نص التنبيه", max_length=255)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أرسله",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("وقت الإرسال", default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField("اكتمل في", null=True, blank=True)
    status = models.CharField(
        "الحالة", max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    subscribers = models.PositiveIntegerField("المشتركون عند الإرسال", default=0)
    sent = models.PositiveIntegerField("سُلّم", default=0)
    failed = models.PositiveIntegerField("أخفق", default=0)
    gone = models.PositiveIntegerField("اشتراكات منتهية حُذفت", default=0)
    last_error = models.TextField("آخر خطأ", blank=True)
    # The delivery goes through the subscriptions in id order, a batch at a time, and records
    # here the last one it dealt with: a delivery cut short (its worker killed) resumes after it.
    delivered_through = models.BigIntegerField("آخر اشتراك وصله التنبيه", default=0, editable=False)

    class Meta:
        verbose_name = "تنبيه عاجل"
        verbose_name_plural = "التنبيهات العاجلة"
        ordering = ["-created_at", "-pk"]
        permissions = [("send_alert", "يرسل تنبيهًا عاجلًا إلى هواتف القراء")]

    def __str__(self):
        return self.title
