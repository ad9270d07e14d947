"""Corrections in the open: a typed, dated note the desk adds to a published story.

A note is a correction (تصحيح), a clarification (توضيح) or an update (تحديث), shown at the top or
the bottom of its story as the desk chose, listed on the public corrections page, and carried
in the story's JSON-LD. Its text is rich or plain, cleaned on every save by the same allowlist
as a story's body. Notes are written through the workflow's services
(`articles/workflow.py`: `correction_add`, `correction_change`, `correction_delete`), which
check the desk's permission, keep a version of the story and announce the change.
"""

from datetime import timedelta

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import linebreaks

from articles.models.articles import Article
from articles.sanitize import clean_body, has_reader_content

# Who may add, change or delete a note (Correction.Meta.permissions; roles in migration 0021).
PUBLISH_CORRECTION = "articles.publish_correction"


def cleaned_note_text(text: str) -> str:
    """The note as stored: HTML through the body's allowlist; plain text as paragraphs."""
    text = (text or "").strip()
    if text and "<" not in text:
        text = linebreaks(text)  # escapes the text, then paragraphs and line breaks
    return clean_body(text)


@reversion.register()
class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "تصحيح"
        CLARIFICATION = "clarification", "توضيح"
        UPDATE = "update", "تحديث"

    class Placement(models.TextChoices):
        TOP = "top", "أعلى الخبر"
        BOTTOM = "bottom", "أسفل الخبر"

    article = models.ForeignKey(
        Article, verbose_name="الخبر", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField("النوع", max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        "النص", help_text="ما صُحّح أو وُضّح أو استجد، كما يقرؤه القراء. نص عادي أو HTML بسيط."
    )
    noted_at = models.DateTimeField("التاريخ", default=timezone.now)
    placement = models.CharField(
        "الموضع", max_length=10, choices=Placement.choices, default=Placement.BOTTOM
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أضافه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("أضيف في", auto_now_add=True)
    updated_at = models.DateTimeField("آخر تعديل", auto_now=True)

    class Meta:
        verbose_name = "تصحيح أو توضيح"
        verbose_name_plural = "التصحيحات والتوضيحات"
        ordering = ["-noted_at", "-pk"]
        indexes = [
            # The corrections page: every note, newest first.
            models.Index(fields=["-noted_at", "-id"], name="correction_newest_idx"),
            # A story's notes, read with the story (its page, its JSON-LD).
            models.Index(fields=["article", "noted_at"], name="correction_article_idx"),
        ]
        permissions = [
            ("publish_correction", "ينشر تصحيحًا أو توضيحًا أو تحديثًا على خبر منشور"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"

    def save(self, *args, **kwargs):
        # Every save path (the desk's services, the shell, an import) stores clean text.
        self.text = cleaned_note_text(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def clean(self):
        super().clean()
        self.text = cleaned_note_text(self.text)
        if not has_reader_content(self.text):
            raise ValidationError({"text": "اكتب نص الملاحظة كما يقرؤه القراء."})
        if self.noted_at and self.noted_at > timezone.now() + timedelta(minutes=5):
            raise ValidationError({"noted_at": "لا يكون تاريخ الملاحظة في المستقبل."})
