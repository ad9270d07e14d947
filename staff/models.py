"""The audit trail: one row per security-relevant event, written once and never changed."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import models


class AuditEntry(models.Model):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    TWO_FACTOR_FAILED = "two_factor_failed"
    RECOVERY_CODE_USED = "recovery_code_used"
    TWO_FACTOR_RESET = "two_factor_reset"
    SESSION_EXPIRED = "session_expired"
    SESSIONS_ENDED = "sessions_ended"
    ACTIONS = [
        (SIGN_IN, "تسجيل دخول"),
        (SIGN_IN_FAILED, "محاولة دخول فاشلة"),
        (LOCKED_OUT, "إيقاف بعد محاولات فاشلة"),
        (TWO_FACTOR_ENROLLED, "تفعيل التحقق بخطوتين"),
        (TWO_FACTOR_FAILED, "رمز تحقق خاطئ"),
        (RECOVERY_CODE_USED, "دخول برمز استرداد"),
        (TWO_FACTOR_RESET, "إعادة ضبط التحقق بخطوتين"),
        (SESSION_EXPIRED, "انتهاء جلسة"),
        (SESSIONS_ENDED, "إنهاء جلسات"),
    ]

    at = models.DateTimeField("الوقت", auto_now_add=True, db_index=True)
    action = models.CharField("الحدث", max_length=32, choices=ACTIONS, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="المستخدم",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the entry still names the person after their account is deleted.
    username = models.CharField("اسم المستخدم", max_length=150, blank=True)
    address = models.GenericIPAddressField("العنوان", null=True, blank=True)
    detail = models.JSONField("التفاصيل", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "قيد في سجل التدقيق"
        verbose_name_plural = "سجل التدقيق"

    def __str__(self):
        return f"{self.get_action_display()} — {self.username}"

    def save(self, *args, **kwargs):
        # Append-only: an entry is written once; changing it would falsify the trail.
        if self.pk is not None:
            raise PermissionDenied("لا يمكن تعديل قيد في سجل التدقيق.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("لا يمكن حذف قيد من سجل التدقيق.")


class RolePolicy(models.Model):
    """What a role (a Django group) demands of its members' accounts; the chief edits it."""

    group = models.OneToOneField(
        Group, verbose_name="الدور", on_delete=models.CASCADE, related_name="staff_policy"
    )
    requires_two_factor = models.BooleanField(
        "يشترط التحقق بخطوتين",
        default=True,
        help_text="لا يدخل أحد من أصحاب هذا الدور لوحة الإدارة بكلمة المرور وحدها.",
    )

    class Meta:
        ordering = ["group__name"]
        verbose_name = "سياسة دور"
        verbose_name_plural = "سياسات الأدوار"

    def __str__(self):
        return self.group.name


class StaffAccount(User):
    """Staff accounts as the chief sees them for two-factor sign-in: who has enrolled, and the
    reset of a lost device (staff/admin.py)."""

    class Meta:
        proxy = True
        ordering = ["username"]
        verbose_name = "حساب طاقم"
        verbose_name_plural = "التحقق بخطوتين للطاقم"


class StaffSession(models.Model):
    """One signed-in staff session: what the person sees under «جلساتي» and can end.

    The session itself stays in Django's session store; this row names its device, address and
    last request, and is removed when the session ends (staff/sessions.py).
    """

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="المستخدم",
        on_delete=models.CASCADE,
        related_name="staff_sessions",
    )
    user_agent = models.CharField("المتصفح والجهاز", max_length=300, blank=True)
    address = models.GenericIPAddressField("العنوان", null=True, blank=True)
    started_at = models.DateTimeField("بدأت")
    last_seen_at = models.DateTimeField("آخر نشاط")

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = "جلسة"
        verbose_name_plural = "الجلسات"

    def __str__(self):
        return f"{self.user} — {self.address or ''}"
