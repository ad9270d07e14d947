"""Live coverage («تغطية مباشرة»): a story the desk follows with timestamped entries.

A story is live from `Article.live_started_at` until `Article.live_ended_at`. Its entries
(`LiveEntry`) are rich text cleaned by the same allowlist as a story's body, with an optional
photo (validated, metadata stripped, rendered at the site's widths like every upload), an author
and a time. A reporter's entry waits for the desk (draft → review); a desk editor or the chief
publishes it, pins key points («أبرز النقاط»), edits or deletes entries. Every change is a
version (django-reversion): a deleted entry is gone for readers, its versions remain. Entries are
written through the services of `articles/live.py`, which check the roles and announce the change.
"""

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.utils.html import linebreaks

from articles import images
from articles.models.articles import Article
from articles.models.editors import Editor
from articles.sanitize import clean_body, has_reader_content

# Who may publish, pin, edit others' entries and start or end a coverage (LiveEntry.Meta).
PUBLISH_LIVE_ENTRY = "articles.publish_liveentry"
RUN_LIVE_COVERAGE = "articles.run_live_coverage"
# Who may write entries at all (reporters too: theirs wait for the desk).
ADD_LIVE_ENTRY = "articles.add_liveentry"


def cleaned_entry_body(text: str) -> str:
    """The entry as stored: HTML through the body's allowlist; plain text as paragraphs."""
    text = (text or "").strip()
    if text and "<" not in text:
        text = linebreaks(text)  # escapes the text, then paragraphs and line breaks
    return images.body_images_sized(clean_body(text), storage=default_storage)


@reversion.register()
class LiveEntry(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "مسودة"
        REVIEW = "review", "بانتظار الديسك"
        PUBLISHED = "published", "منشورة"

    article = models.ForeignKey(
        Article, verbose_name="الخبر", on_delete=models.CASCADE, related_name="live_entries"
    )
    body = models.TextField("النص")
    photo = images.NewsImageField(
        "الصورة",
        upload_to=images.RandomName(images.LIVE.folder),
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="اختيارية. JPEG أو PNG أو WebP أو GIF. تُنشأ منها نسخ بمقاسات الموقع تلقائيًا.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        "النص البديل للصورة",
        max_length=300,
        blank=True,
        help_text="صف الصورة لمن لا يستطيع رؤيتها.",
    )
    photo_caption = models.CharField("تعليق الصورة", max_length=300, blank=True)
    author = models.ForeignKey(
        Editor,
        verbose_name="الكاتب",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_entries",
    )
    state = models.CharField(
        "الحالة", max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    pinned = models.BooleanField(
        "من أبرز النقاط", default=False, help_text="تظهر في «أبرز النقاط» أعلى التغطية."
    )
    posted_at = models.DateTimeField("وقت النشر", null=True, blank=True, editable=False)
    edited_at = models.DateTimeField("آخر تعديل بعد النشر", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="كتبها",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("كُتبت في", auto_now_add=True)
    updated_at = models.DateTimeField("آخر حفظ", auto_now=True)

    class Meta:
        verbose_name = "تدوينة مباشرة"
        verbose_name_plural = "تدوينات التغطية المباشرة"
        ordering = ["-posted_at", "-pk"]
        indexes = [
            # A story's published entries, newest first (its page and its live endpoint).
            models.Index(fields=["article", "state", "-posted_at"], name="liveentry_article_idx"),
            # The desk's queue of entries waiting for review.
            models.Index(fields=["state", "-created_at"], name="liveentry_state_idx"),
        ]
        permissions = [
            ("publish_liveentry", "ينشر تدوينات التغطية المباشرة ويثبتها ويعدّل تدوينات غيره"),
            ("run_live_coverage", "يبدأ التغطية المباشرة لخبر وينهيها"),
        ]

    def __str__(self):
        return f"تدوينة في: {self.article}"

    def save(self, *args, **kwargs):
        # Every save path (the desk's services, the shell, an import) stores clean text.
        self.body = cleaned_entry_body(self.body)
        super().save(*args, **kwargs)
        images.renditions_generate_on_commit(field_file=self.photo, rendition_set=images.LIVE)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#entry-{self.pk}"

    def clean(self):
        super().clean()
        self.body = cleaned_entry_body(self.body)
        if not has_reader_content(self.body):
            raise ValidationError({"body": "اكتب نص التدوينة كما يقرؤه القراء."})
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "اكتب نصًا بديلًا يصف الصورة لمن لا يستطيع رؤيتها."})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED
