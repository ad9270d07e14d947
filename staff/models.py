"""The audit trail: one row per security-relevant event, written once and never changed."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class AuditEntry(models.Model):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    ACTIONS = [
        (SIGN_IN, "تسجيل دخول"),
        (SIGN_IN_FAILED, "محاولة دخول فاشلة"),
        (LOCKED_OUT, "إيقاف بعد محاولات فاشلة"),
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
