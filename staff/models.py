"""The audit trail: one row per security-relevant event, written once and never changed."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import connections, models, transaction


class AuditEntryQuerySet(models.QuerySet):
    """Rows of the trail are never updated or deleted in bulk either; the retention command
    (`manage.py prune_audit_trail`) removes the old ones through `prune()`, the one way out."""

    def update(self, **kwargs):
        # The one update allowed: an account deleted, its entries keep the name (`username`).
        if kwargs == {"actor": None}:
            return super().update(**kwargs)
        raise PermissionDenied("لا يمكن تعديل قيود سجل التدقيق.")

    def delete(self):
        raise PermissionDenied("لا يمكن حذف قيود من سجل التدقيق.")

    def prune(self, *, before) -> int:
        """Delete the entries written before `before` (retention); how many went.

        On PostgreSQL a trigger refuses any other DELETE (migration 0004): this one says, for
        its transaction only, that it is the retention's."""
        old = self.filter(at__lt=before)
        with transaction.atomic(using=old.db):
            on_postgresql = connections[old.db].vendor == "postgresql"
            if on_postgresql:
                with connections[old.db].cursor() as cursor:
                    cursor.execute("SET LOCAL newsroom.audit_prune = 'on'")
            count = old._raw_delete(old.db)
            if on_postgresql:
                with connections[old.db].cursor() as cursor:
                    cursor.execute("SET LOCAL newsroom.audit_prune = 'off'")
        return count


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
    # Every write path (staff/changes.py, staff/signals.py): admin, list actions, services,
    # importer and shell alike.
    WORKFLOW_MOVE = "workflow_move"
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    ROLE_CHANGED = "role_changed"
    SHARE_LINK_MADE = "share_link_made"
    SHARE_LINK_ENDED = "share_link_ended"
    AUTOSAVE_RESTORED = "autosave_restored"
    PERMISSION_REFUSED = "permission_refused"
    TRAIL_EXPORTED = "trail_exported"
    TRAIL_PRUNED = "trail_pruned"
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
        (WORKFLOW_MOVE, "حركة خبر في مراحل التحرير"),
        (CREATED, "إنشاء"),
        (CHANGED, "تعديل"),
        (DELETED, "حذف"),
        (ROLE_CHANGED, "تغيير دور أو صلاحية"),
        (SHARE_LINK_MADE, "إنشاء رابط معاينة"),
        (SHARE_LINK_ENDED, "إنهاء رابط معاينة"),
        (AUTOSAVE_RESTORED, "استعادة نسخة محفوظة تلقائيًا"),
        (PERMISSION_REFUSED, "محاولة مرفوضة لنقص الصلاحية"),
        (TRAIL_EXPORTED, "تصدير سجل التدقيق"),
        (TRAIL_PRUNED, "حذف القيود الأقدم من مدة الحفظ"),
    ]
    # Who wrote when no request did: the importer, a command, the shell.
    SYSTEM = "النظام / سطر الأوامر"

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
    address = models.GenericIPAddressField("العنوان", null=True, blank=True, db_index=True)
    # What the entry is about, in words: «خبر 12: العنوان», «قسم: اقتصاد», an account's name.
    subject = models.CharField("الموضوع", max_length=200, blank=True)
    detail = models.JSONField("التفاصيل", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "-at"], name="audit_person_idx")]
        verbose_name = "قيد في سجل التدقيق"
        verbose_name_plural = "سجل التدقيق"

    def __str__(self):
        return f"{self.get_action_display()} — {self.who}"

    def save(self, *args, **kwargs):
        # Append-only: an entry is written once; changing it would falsify the trail.
        if self.pk is not None:
            raise PermissionDenied("لا يمكن تعديل قيد في سجل التدقيق.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("لا يمكن حذف قيد من سجل التدقيق.")

    @property
    def who(self) -> str:
        """The person, or «النظام / سطر الأوامر» for a write no signed-in request made."""
        if self.username:
            return self.username
        return "" if self.detail.get("via") != "system" else self.SYSTEM

    def changes_text(self) -> str:
        """What changed, one «field: before → after» per field, and the rest of the detail."""
        parts = []
        for field, (before, after) in self.detail.get("changes", {}).items():
            parts.append(f"{field}: {before} → {after}")
        for key, label in _DETAIL_LABELS:
            value = self.detail.get(key)
            if value not in (None, "", []):
                if isinstance(value, list):
                    value = "، ".join(str(item) for item in value)
                parts.append(f"{label}: {value}")
        return "؛ ".join(parts)


_DETAIL_LABELS = (
    ("label", "ما جرى"),
    ("from", "من"),
    ("to", "إلى"),
    ("comment", "تعليق"),
    ("field", "الحقل"),
    ("added", "أُضيف"),
    ("removed", "أُزيل"),
    ("reason", "السبب"),
    ("count", "العدد"),
    ("filters", "التصفية"),
    ("method", "الطلب"),
    ("path", "المسار"),
    ("account", "الحساب"),
    ("sessions", "الجلسات"),
    ("devices", "الأجهزة"),
    ("remaining", "رموز الاسترداد الباقية"),
)


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
