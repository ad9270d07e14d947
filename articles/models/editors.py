from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from articles import images
from articles.addresses import address
from articles.arabic import arabic_slugify


class Editor(models.Model):
    """A member of the newsroom staff, as readers see them in bylines and on their page."""

    name = models.CharField("الاسم", max_length=150)
    slug = models.SlugField("المعرّف في الرابط", max_length=150, unique=True, allow_unicode=True)
    job_title = models.CharField(
        "المسمى الوظيفي", max_length=150, blank=True, help_text="مثل «رئيس التحرير» أو «محرر»."
    )
    bio = models.TextField("نبذة", blank=True)
    photo = images.NewsImageField(
        "الصورة",
        upload_to=images.RandomName(images.PORTRAIT.folder),
        blank=True,
        help_text="JPEG أو PNG أو WebP أو GIF. تُقص مربعة للعرض.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="حساب الدخول",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editor_profile",
    )
    is_editor_in_chief = models.BooleanField(
        "رئيس التحرير",
        default=False,
        help_text="يظهر اسمه في ترويسة الموقع. لا يكون إلا محرر واحد رئيسًا للتحرير.",
    )

    class Meta:
        verbose_name = "محرر"
        verbose_name_plural = "المحررون"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_editor_in_chief"],
                condition=Q(is_editor_in_chief=True),
                name="one_editor_in_chief",
                violation_error_message=(
                    "يوجد رئيس تحرير بالفعل. ألغِ صفة رئيس التحرير عنه أولًا ثم أعد المحاولة."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.name, max_length=150)
        super().save(*args, **kwargs)
        images.renditions_generate_on_commit(field_file=self.photo, rendition_set=images.PORTRAIT)

    def get_absolute_url(self):
        return address("articles:editor", slug=self.slug)

    @cached_property
    def portrait(self) -> images.Picture | None:
        """The photo's square renditions for `templates/includes/picture.html`."""
        return images.picture(self.photo, images.PORTRAIT)
