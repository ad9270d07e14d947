"""The audit trail: one row per security-relevant event, written once and never changed.

One table for everything: django-auditlog writes the changes to the rows it follows
(staff/trail.py) into this model, its `AUDITLOG_LOGENTRY_MODEL`, and the trail's own events
(sign-ins, workflow moves, share links…; staff/audit.py) are rows of the same model with their
`kind`. So the editor-in-chief reads, filters and exports one list.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import connections, models, transaction
from django.utils import timezone


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

        On PostgreSQL a trigger refuses any other DELETE (migration 0006): this one says, for
        its transaction only, that it is the retention's."""
        old = self.filter(timestamp__lt=before)
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


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    """django-auditlog's manager (`log_create`, `get_for_object`…) over the refusing queryset."""


class ActorUsernameField(models.CharField):
    """The person's username, written with the entry: it still names them once their account
    (and so `actor`) is gone. Taken as the row is written, after django-auditlog's own pre_save
    receiver has set `actor` from the request (staff/middleware.py)."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if add and not value and model_instance.actor_id is not None:
            value = model_instance.actor.get_username()
            setattr(model_instance, self.attname, value)
        return value


class AuditEntry(AbstractLogEntry):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    TWO_FACTOR_FAILED = "two_factor_failed"
    RECOVERY_CODE_USED = "recovery_code_used"
    TWO_FACTOR_RESET = "two_factor_reset"
    SESSION_EXPIRED = "session_expired"
    SESSIONS_ENDED = "sessions_ended"
    # Every write path (django-auditlog's model signals, staff/trail.py; the desk's events,
    # staff/signals.py): admin, list actions, services, importer and shell alike.
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
    KINDS = [
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
    # What django-auditlog writes for a masked field (a password), before and after alike.
    WITHHELD = "تغيّرت"

    # django-auditlog's columns, as the trail needs them: an event is about no row (no content
    # type, no action of auditlog's), and the columns the chief reads are named in Arabic.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name="نوع السجل",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_pk = models.CharField("معرّف السجل", max_length=255, blank=True, db_index=True)
    action = models.PositiveSmallIntegerField(
        "العملية", choices=AbstractLogEntry.Action.choices, null=True, blank=True, db_index=True
    )
    timestamp = models.DateTimeField("الوقت", default=timezone.now, db_index=True)
    remote_addr = models.GenericIPAddressField("العنوان", null=True, blank=True, db_index=True)
    # What the entry is about, in words: «خبر 12: العنوان», «قسم: اقتصاد», an account's name.
    object_repr = models.TextField("الموضوع", blank=True)
    changes = models.JSONField("ما تغيّر", null=True, blank=True)
    # An event's details: the move, its comment, the reason, the count…
    additional_data = models.JSONField("التفاصيل", default=dict, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="المستخدم",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    kind = models.CharField("الحدث", max_length=32, choices=KINDS, db_index=True)
    # Kept as text too: the entry still names the person after their account is deleted.
    username = ActorUsernameField("اسم المستخدم", max_length=150, blank=True)

    objects = AuditEntryManager()

    class Meta:
        ordering = ["-timestamp", "-pk"]
        get_latest_by = "timestamp"
        indexes = [models.Index(fields=["username", "-timestamp"], name="audit_person_idx")]
        verbose_name = "قيد في سجل التدقيق"
        verbose_name_plural = "سجل التدقيق"

    def __str__(self):
        return f"{self.get_kind_display()} — {self.who}"

    def save(self, *args, **kwargs):
        # Append-only: an entry is written once; changing it would falsify the trail.
        if self.pk is not None:
            raise PermissionDenied("لا يمكن تعديل قيد في سجل التدقيق.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("لا يمكن حذف قيد من سجل التدقيق.")

    @property
    def detail(self) -> dict:
        return self.additional_data or {}

    @property
    def who(self) -> str:
        """The person, or «النظام / سطر الأوامر» for a write no signed-in request made."""
        if self.username:
            return self.username
        return "" if self.detail.get("via") != "system" else self.SYSTEM

    def what_changed(self) -> str:
        """What changed, one «field: before → after» per field (its Arabic name), the roles
        added or removed, and the rest of the detail."""
        model = None
        if self.content_type_id is not None:
            # ContentType's own cache: no query per entry of a list.
            model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        parts = []
        for field, change in _in_model_order(model, self.changes or {}):
            label = _field_label(model, field)
            if isinstance(change, dict):  # a many-to-many change, as django-auditlog writes it
                done = "أُضيف" if change.get("operation") == "add" else "أُزيل"
                parts.append(f"{label}: {done} " + "، ".join(map(str, change.get("objects", []))))
            elif list(change) == [self.WITHHELD, self.WITHHELD]:
                parts.append(f"{label}: {self.WITHHELD}")
            else:
                before, after = change
                parts.append(f"{label}: {_shown(before)} → {_shown(after)}")
        for key, label in _DETAIL_LABELS:
            value = self.detail.get(key)
            if value not in (None, "", []):
                if isinstance(value, list):
                    value = "، ".join(str(item) for item in value)
                parts.append(f"{label}: {value}")
        return "؛ ".join(parts)


def _in_model_order(model, changes: dict) -> list:
    """django-auditlog writes the fields in no set order; the chief reads them as the form."""
    order = {field.name: n for n, field in enumerate(model._meta.get_fields())} if model else {}
    return sorted(changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _field_label(model, name: str) -> str:
    """The field's Arabic name (its verbose name); its name when the model has no such field
    (a role's members, written on the role's entry under the account's field)."""
    if model is None:
        return name
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "نعم"
    if value is False:
        return "لا"
    return str(value)


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
