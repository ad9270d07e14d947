from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager

from articles import caching, images
from articles.arabic import arabic_slugify
from articles.sanitize import clean_body

from .editors import Editor
from .sections import Section


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see. Every public view, feed, sitemap and search starts here.

        A story with a future publication time stays hidden until its minute: visibility is
        decided when the page is asked for, so no scheduler has to flip anything.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def awaiting_publication(self):
        """Stories that will become public by themselves when their minute comes."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_listing(self):
        """Everything a card needs (section, ordered bylines) in a fixed number of queries."""
        return self.select_related("section").prefetch_related(
            Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("editor").order_by("position"),
            )
        )

    def latest_per_section(self, per_section: int):
        """The newest `per_section` stories of each section, in one query."""
        return (
            self.annotate(
                rank_in_section=Window(
                    RowNumber(),
                    partition_by=[F("section_id")],
                    order_by=[F("published_at").desc(), F("pk").desc()],
                )
            )
            .filter(rank_in_section__lte=per_section)
            .order_by("section__nav_position", "section_id", "rank_in_section")
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "مسودة"
        PUBLISHED = "published", "منشور"

    headline = models.CharField("العنوان", max_length=255)
    slug = models.SlugField(
        "المعرّف في الرابط",
        max_length=255,
        allow_unicode=True,
        blank=True,
        help_text="يُنشأ من العنوان تلقائيًا؛ يمكن تعديله.",
    )
    kicker = models.CharField(
        "العنوان التمهيدي", max_length=120, blank=True, help_text="السطر الصغير فوق العنوان."
    )
    dek = models.TextField("الملخص", blank=True, help_text="سطران أو ثلاثة تحت العنوان.")
    body = models.TextField("المتن")
    lead_image = images.NewsImageField(
        "الصورة الرئيسية",
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
        help_text="JPEG أو PNG أو WebP أو GIF. تُنشأ منها نسخ بمقاسات الموقع تلقائيًا.",
    )
    # Filled by Django from the file (upright, after EXIF orientation): pages size the
    # renditions from these without opening a file.
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_caption = models.CharField("تعليق الصورة", max_length=300, blank=True)
    lead_image_credit = models.CharField("مصدر الصورة", max_length=150, blank=True)
    lead_image_alt = models.CharField(
        "النص البديل للصورة",
        max_length=300,
        blank=True,
        help_text="وصف قصير للصورة لمن لا يراها؛ مطلوب مع كل صورة.",
    )
    section = models.ForeignKey(
        Section, verbose_name="القسم", on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Editor, verbose_name="الكتّاب", through="ArticleAuthor", related_name="articles"
    )
    tags = TaggableManager(
        verbose_name="الوسوم",
        through="articles.TaggedArticle",
        blank=True,
        help_text="افصل بين الوسوم بفاصلة (، أو ,). اكتب أول حروف الوسم لتظهر الوسوم الموجودة.",
    )
    status = models.CharField(
        "الحالة", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("وقت النشر", null=True, blank=True)
    created_at = models.DateTimeField("أنشئ في", auto_now_add=True)
    updated_at = models.DateTimeField("آخر تعديل", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "خبر"
        verbose_name_plural = "الأخبار"
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The shape of every public list: published, newest first, optionally per section.
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_public_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message="الخبر المنشور يحتاج إلى وقت نشر.",
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.headline, max_length=255)
        # Sanitizing here covers every save path: admin, importer, shell, any future API.
        self.body = clean_body(self.body)
        self._stamp_publication_time()
        super().save(*args, **kwargs)
        images.renditions_generate_on_commit(field_file=self.lead_image, rendition_set=images.LEAD)

    def get_absolute_url(self):
        return reverse("articles:article", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    def clean(self):
        super().clean()
        self._stamp_publication_time()
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "اكتب نصًا بديلًا يصف الصورة لمن لا يستطيع رؤيتها."}
            )

    def _stamp_publication_time(self):
        """Publishing with no time given means "now", on every path that saves."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @classmethod
    def is_public_state(cls, *, status, published_at) -> bool:
        """The same rule as `ArticleQuerySet.published()`, for one row already in memory."""
        return (
            status == cls.Status.PUBLISHED
            and published_at is not None
            and published_at <= timezone.now()
        )

    @classmethod
    def is_awaiting_state(cls, *, status, published_at) -> bool:
        """The same rule as `ArticleQuerySet.awaiting_publication()`, for one row in memory."""
        return (
            status == cls.Status.PUBLISHED
            and published_at is not None
            and published_at > timezone.now()
        )

    @property
    def is_published(self) -> bool:
        return self.is_public_state(status=self.status, published_at=self.published_at)

    def cache_dependencies(self, also_section_ids=()) -> set[str]:
        """The cached pages that show this article (see articles/caching.py). Write path only."""
        return caching.article_dependencies(
            article_id=self.pk,
            section_slugs=Section.objects.filter(
                pk__in={self.section_id, *also_section_ids} - {None}
            ).values_list("slug", flat=True),
            editor_slugs=self.bylines.values_list("editor__slug", flat=True),
            tag_slugs=self.tags.values_list("slug", flat=True),
        )

    @property
    def was_updated_after_publication(self) -> bool:
        return bool(
            self.published_at and (self.updated_at - self.published_at).total_seconds() > 60
        )

    @cached_property
    def lead_picture(self) -> images.Picture | None:
        """The lead image's renditions for `templates/includes/picture.html`."""
        return images.picture(
            self.lead_image,
            images.LEAD,
            width=self.lead_image_width,
            height=self.lead_image_height,
        )

    def ordered_authors(self) -> list[Editor]:
        """Authors in byline order; uses the prefetched bylines when the list view loaded them."""
        return [byline.editor for byline in self.bylines.all()]


class ArticleAuthor(models.Model):
    """One byline: an editor credited on an article, in the order the desk chose."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    editor = models.ForeignKey(
        Editor, verbose_name="الكاتب", on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField("الترتيب", default=0)

    class Meta:
        verbose_name = "كاتب"
        verbose_name_plural = "الكتّاب"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "editor"],
                name="unique_byline",
                violation_error_message="هذا الكاتب مضاف إلى الخبر بالفعل.",
            )
        ]

    def __str__(self):
        return f"{self.editor} — {self.article}"
