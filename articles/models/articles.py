from datetime import datetime

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager

from articles import images
from articles.addresses import address
from articles.arabic import arabic_slugify
from articles.models import fields as declared
from articles.models.editors import Editor
from articles.models.sections import Section
from articles.models.unions import ids_of_any
from articles.sanitize import clean_body, has_reader_content

# Search engines cut titles near 60-70 characters and descriptions near 160.
SEO_TITLE_MAX = 120
SEO_TITLE_RECOMMENDED = 70
SEO_DESCRIPTION_MAX = 300


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now: datetime | None = None):
        """What a reader may see. Every public view, feed, sitemap and search starts here.

        A story with a future publication time stays hidden until its minute: visibility is
        decided when the page is asked for, so no scheduler has to flip anything. That is also
        how scheduling works: a scheduled story whose minute has come is simply public. `now`
        is for a query compiled once and run at other times (`compiled.objects`).
        """
        return self.filter(
            status__in=Article.LIVE_STATUSES, published_at__lte=now or timezone.now()
        )

    def scheduled(self):
        """The desk's scheduling queue: stories waiting for their minute, soonest first."""
        return self.awaiting_publication().order_by("published_at", "pk")

    def owned_by(self, user):
        """Articles the user started or signs (through their staff profile).

        The ids come from two short index reads (`ids_of_any`), never a join with the
        bylines: no duplicate rows to remove, and no walk of the archive testing each story
        against an OR."""
        return self.filter(
            pk__in=ids_of_any(
                Article.objects.filter(created_by=user).order_by(),
                (ArticleAuthor.objects.filter(editor__user=user).order_by(), "article_id"),
            )
        )

    def awaiting_publication(self):
        """Stories that will become public by themselves when their minute comes."""
        return self.filter(status__in=Article.LIVE_STATUSES, published_at__gt=timezone.now())


def revised_after_publication(revised_at: datetime | None, published_at: datetime | None) -> bool:
    """Whether a story's copy was changed after it was published (the article page says so)."""
    return bool(revised_at and published_at and revised_at > published_at)


class SearchAndShareTitles:
    """What search engines and shared links show of a story, each defaulting to the story's
    own: for the model and for the read side's `Story`, which has the same fields."""

    seo_title: str
    seo_description: str
    social_title: str
    headline: str
    dek: str

    @property
    def search_title(self) -> str:
        """The <title> and JSON-LD headline: the SEO title, else the headline."""
        return self.seo_title.strip() or self.headline

    @property
    def search_description(self) -> str:
        """The meta description: the SEO description, else the dek, else the headline."""
        return self.seo_description.strip() or self.dek.strip() or self.headline

    @property
    def share_title(self) -> str:
        """Open Graph and Twitter title: the social title, else the search title."""
        return self.social_title.strip() or self.search_title


class CroppedPictures:
    """The lead photo cut around its focal point for cards, and the image of shared links
    (Open Graph, Twitter, JSON-LD, feeds' enclosures): the social image when the desk gave
    one, else the lead photo's social crop. For the model and the read side's shapes, which
    give their files through `lead_image_file` and `social_image_file`."""

    lead_image_width: int | None
    lead_image_height: int | None
    focal_x: float
    focal_y: float

    @property
    def focal(self) -> images.Focal:
        return images.focal_percent(self.focal_x, self.focal_y)

    @cached_property
    def card_picture(self) -> images.Picture | None:
        return images.cropped_picture(
            self.lead_image_file,
            images.CARD_CROP,
            width=self.lead_image_width,
            height=self.lead_image_height,
            focal=self.focal,
        )

    @cached_property
    def share_picture(self) -> images.Picture | None:
        social = self.social_image_file
        if social:
            return images.cropped_picture(
                social,
                images.SOCIAL_CROP,
                width=self.social_image_width,
                height=self.social_image_height,
                focal=images.CENTRE,
            )
        return images.cropped_picture(
            self.lead_image_file,
            images.SOCIAL_CROP,
            width=self.lead_image_width,
            height=self.lead_image_height,
            focal=self.focal,
        )

    @property
    def share_picture_alt(self) -> str:
        """The shared image's description: the lead photo's, when it is the lead photo."""
        return "" if self.social_image_file else self.lead_image_alt


@reversion.register(follow=("bylines", "corrections"))
class Article(SearchAndShareTitles, CroppedPictures, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "مسودة"
        REVIEW = "review", "قيد المراجعة"
        SCHEDULED = "scheduled", "مجدول"
        PUBLISHED = "published", "منشور"
        WITHDRAWN = "withdrawn", "مسحوب"

    # States in which a story is public once its publication minute has come.
    LIVE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

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
        upload_to=images.RandomName(images.LEAD.folder),
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
    # Where the photo's subject is, as fractions of its width and height from the top left:
    # every crop of the lead photo is centred on it (images.focal_crop_box).
    focal_x = models.FloatField(
        "النقطة المحورية (أفقيًا)",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="انقر على الصورة لتحديد موضع موضوعها؛ القص يتمركز حوله.",
    )
    focal_y = models.FloatField(
        "النقطة المحورية (عموديًا)",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    # What search engines and shared links show; each left empty falls back to the story's own.
    seo_title = models.CharField(
        "عنوان محركات البحث",
        max_length=SEO_TITLE_MAX,
        blank=True,
        help_text="يُستعمل العنوان الرئيسي إن تُرك فارغًا. يُفضَّل ألا يتجاوز ٧٠ حرفًا.",
    )
    seo_description = models.CharField(
        "وصف محركات البحث",
        max_length=SEO_DESCRIPTION_MAX,
        blank=True,
        help_text="يُستعمل الملخص إن تُرك فارغًا.",
    )
    social_title = models.CharField(
        "عنوان المشاركة على الشبكات الاجتماعية",
        max_length=SEO_TITLE_MAX,
        blank=True,
        help_text="يُستعمل عنوان محركات البحث أو العنوان الرئيسي إن تُرك فارغًا.",
    )
    social_image = images.NewsImageField(
        "صورة المشاركة",
        upload_to=images.RandomName(images.SOCIAL.folder),
        blank=True,
        width_field="social_image_width",
        height_field="social_image_height",
        help_text="تظهر عند مشاركة الخبر على الشبكات الاجتماعية بدل الصورة الرئيسية، "
        "مقصوصة من وسطها إلى 1200×630. JPEG أو PNG أو WebP أو GIF.",
    )
    social_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    social_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
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
    published_at = models.DateTimeField(
        "وقت النشر",
        null=True,
        blank=True,
        help_text="للجدولة: اختر وقتًا في المستقبل وحالة «مجدول»؛ يظهر الخبر للقراء في دقيقته.",
    )
    is_breaking = models.BooleanField(
        "عاجل",
        default=False,
        help_text="يظهر في شريط العاجل بالصفحة الرئيسية ما دام حديث النشر.",
    )
    is_featured = models.BooleanField(
        "مميز", default=False, help_text="يظهر ضمن «مختارات المحرر» في الصفحة الرئيسية."
    )
    is_pinned = models.BooleanField(
        "مثبت في الصدارة",
        default=False,
        help_text="يتصدر الصفحة الرئيسية خبرًا رئيسيًا بدل أحدث خبر.",
    )
    pinned_until = models.DateTimeField(
        "التثبيت حتى", null=True, blank=True, help_text="اتركه فارغًا ليبقى مثبتًا حتى يُلغى."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أنشأه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="آخر من عدّله",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("أنشئ في", auto_now_add=True)
    updated_at = models.DateTimeField("آخر تعديل", auto_now=True)
    revised_at = models.DateTimeField(
        "آخر تحديث للقراء",
        null=True,
        blank=True,
        editable=False,
        help_text="آخر تعديل لنص الخبر أو صورته بعد نشره؛ يظهر للقراء «حُدّث في …».",
    )

    # What readers are told on the page of a withdrawn story (410): filled by the withdraw move.
    withdrawal_note = models.TextField(
        "توضيح السحب للقراء",
        blank=True,
        editable=False,
        help_text="يظهر للقراء على صفحة الخبر بعد سحبه.",
    )
    # Live coverage («تغطية مباشرة», articles/models/live.py): started and ended by the desk
    # through `articles/live.py`; live while started and not ended.
    live_started_at = models.DateTimeField(
        "بدء التغطية المباشرة", null=True, blank=True, editable=False
    )
    live_ended_at = models.DateTimeField(
        "نهاية التغطية المباشرة", null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "خبر"
        verbose_name_plural = "الأخبار"
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The shape of every public list: published, newest first, optionally per section.
            # Newest first, read in order and stopped at the page size, for the whole paper and
            # per section (the status filter cannot keep an index in order: two live states).
            # The status rides along so the published rule is checked from the index alone: on
            # SQLite the row's status sits after the body, and reading it meant reading the body.
            models.Index(fields=["-published_at", "-id", "status"], name="article_newest_idx"),
            models.Index(
                fields=["section", "-published_at", "-id", "status"],
                name="article_section_latest_idx",
            ),
            # The home page's pinned lead, breaking strip and editors' picks: a few flagged rows
            # found without reading the archive; with the id, also the admin list's flag
            # filters in their order.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_pinned=True),
                name="article_pinned_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_breaking=True),
                name="article_breaking_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_featured=True),
                name="article_featured_idx",
            ),
            # The desk's queues (dashboard): drafts and stories in review by their last edit.
            models.Index(fields=["status", "updated_at"], name="article_desk_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["published", "scheduled"]) | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message="الخبر المنشور أو المجدول يحتاج إلى وقت نشر.",
            )
        ]
        permissions = [
            ("submit_article", "يرسل الخبر إلى المراجعة"),
            ("edit_others_article", "يعدّل أخبار غيره في أي حالة"),
            ("publish_article", "ينشر الخبر"),
            ("schedule_article", "يجدول نشر الخبر"),
            ("withdraw_article", "يسحب الخبر المنشور"),
            ("send_back_article", "يعيد الخبر إلى المسودة مع ملاحظة"),
            ("manage_home_page", "يثبّت الخبر الرئيسي ويعلّم العاجل والمميز"),
            ("share_preview", "ينشئ رابط معاينة للمشاركة"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.headline, max_length=255)
        # Sanitizing here covers every save path: admin, importer, shell, any future API.
        self.body = images.body_images_sized(clean_body(self.body), storage=default_storage)
        self._stamp_publication_time()
        if self._copy_revised():
            self.revised_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revised_at"}
        super().save(*args, **kwargs)
        self._remember_stored_copy()
        images.renditions_generate_on_commit(
            field_file=self.lead_image, rendition_set=images.LEAD, focal=self.focal
        )
        images.renditions_generate_on_commit(
            field_file=self.social_image, rendition_set=images.SOCIAL
        )

    def get_absolute_url(self):
        return address("articles:article", pk=self.pk, slug=self.slug or "-")

    def clean(self):
        super().clean()
        # Judge the body as it will be stored, so a save never ends with an empty story.
        self.body = clean_body(self.body)
        if not has_reader_content(self.body):
            raise ValidationError(
                {
                    "body": "لم يبقَ من المتن شيء يُعرض بعد إزالة ما لا يُسمح به "
                    "(نصوص برمجية أو روابط أو عناصر غير آمنة). اكتب نص الخبر ثم احفظ."
                }
            )
        self._stamp_publication_time()
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "اكتب نصًا بديلًا يصف الصورة لمن لا يستطيع رؤيتها."}
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._remember_stored_copy()
        return article

    def _copy_as_stored(self) -> dict:
        """The copy's values as the row holds them (a photo by its file name), for the fields
        this object has loaded."""
        values = {}
        for name in declared.COPY:
            attname = self._meta.get_field(name).attname
            if attname in self.__dict__:
                value = self.__dict__[attname]
                values[name] = getattr(value, "name", value) or ""
        return values

    def _remember_stored_copy(self) -> None:
        # What was loaded only: touching a deferred field here would load it, and so recurse.
        loaded = self.__dict__
        self._stored = (self._copy_as_stored(), loaded.get("status"), loaded.get("published_at"))

    def _copy_revised(self) -> bool:
        """Whether this save changes the copy of a story readers could already read."""
        stored = getattr(self, "_stored", None)
        if stored is None:
            return False  # a new story, or one not read from the database
        copy, status, published_at = stored
        if not self.is_public_state(status=status, published_at=published_at):
            return False  # edits before publication are the story as first published
        current = self._copy_as_stored()
        return any(current[name] != value for name, value in copy.items() if name in current)

    def _stamp_publication_time(self):
        """Publishing with no time given means "now", on every path that saves."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @classmethod
    def is_public_state(cls, *, status, published_at) -> bool:
        """The same rule as `ArticleQuerySet.published()`, for one row already in memory."""
        return (
            status in cls.LIVE_STATUSES
            and published_at is not None
            and published_at <= timezone.now()
        )

    @classmethod
    def is_awaiting_state(cls, *, status, published_at) -> bool:
        """The same rule as `ArticleQuerySet.awaiting_publication()`, for one row in memory."""
        return (
            status in cls.LIVE_STATUSES
            and published_at is not None
            and published_at > timezone.now()
        )

    @property
    def is_published(self) -> bool:
        return self.is_public_state(status=self.status, published_at=self.published_at)

    @property
    def is_live(self) -> bool:
        """The desk is covering the story live now (entries may be posted)."""
        return self.live_started_at is not None and self.live_ended_at is None

    @property
    def effective_status(self) -> str:
        """The state readers and the desk see: for a story on its way out, the clock decides.

        A scheduled story past its minute is published; a story whose publication time is
        still ahead is waiting, scheduled, whichever of the two it is stored as.
        """
        if self.status in self.LIVE_STATUSES and self.published_at is not None:
            return self.Status.PUBLISHED if self.is_published else self.Status.SCHEDULED
        return self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status).label

    @property
    def was_updated_after_publication(self) -> bool:
        """Whether the copy was changed after readers could read it (`revised_at`)."""
        return revised_after_publication(self.revised_at, self.published_at)

    @property
    def lead_image_file(self):
        return self.lead_image

    @property
    def social_image_file(self):
        return self.social_image

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
        """Authors in byline order. A list of stories prefetches `bylines` with their editors
        (the admin's list does); public pages read stories as `reading/` shapes instead."""
        return [byline.editor for byline in self.bylines.all()]


@reversion.register()
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


class ArticleTransition(models.Model):
    """One move of an article between workflow states: who, when, from where to where, and why."""

    article = models.ForeignKey(
        Article, verbose_name="الخبر", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("من حالة", max_length=20, choices=Article.Status.choices)
    to_status = models.CharField("إلى حالة", max_length=20, choices=Article.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="بواسطة",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField("في", default=timezone.now)
    comment = models.TextField("ملاحظة", blank=True)

    class Meta:
        verbose_name = "تغيير حالة"
        verbose_name_plural = "سجل الحالات"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_idx")]

    def __str__(self):
        return f"{self.article}: {self.get_from_status_display()} ← {self.get_to_status_display()}"
