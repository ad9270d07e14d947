import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from articles.models.articles import Article


class SharePreviewLinkQuerySet(models.QuerySet):
    def active(self, at=None):
        """Links that still open their story: neither ended nor past their time."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class SharePreviewLink(models.Model):
    """A link that shows one unpublished story to someone without an account.

    The link's token is random and only its SHA-256 is kept, so neither the database nor a
    backup can open a story. A link works until `expires_at`, unless the desk revokes it or the
    story moves on (published, withdrawn, back to draft: `articles/workflow.py`) or is deleted.
    """

    article = models.ForeignKey(
        Article, verbose_name="الخبر", on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField("بصمة الرابط", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أنشأه",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("أُنشئ في", default=timezone.now)
    expires_at = models.DateTimeField("ينتهي في")
    revoked_at = models.DateTimeField("أُنهي في", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أنهاه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.CharField("سبب الإنهاء", max_length=100, blank=True)

    objects = SharePreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "رابط معاينة للمشاركة"
        verbose_name_plural = "روابط المعاينة للمشاركة"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"], name="share_link_article_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="share_link_expires_after_creation",
            )
        ]

    def __str__(self):
        return f"{self.article_id}: {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode("ascii")).hexdigest()

    def is_active(self, at=None) -> bool:
        return self.revoked_at is None and self.expires_at > (at or timezone.now())
