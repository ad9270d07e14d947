from django.db import models

from articles.addresses import address
from articles.arabic import arabic_slugify


class SectionQuerySet(models.QuerySet):
    def in_navigation(self):
        return self.filter(show_in_nav=True)


class Section(models.Model):
    name = models.CharField("الاسم", max_length=100, unique=True)
    slug = models.SlugField("المعرّف في الرابط", max_length=100, unique=True, allow_unicode=True)
    description = models.TextField("الوصف", blank=True)
    nav_position = models.PositiveSmallIntegerField(
        "الترتيب في القائمة", default=0, help_text="الأقسام ذات الرقم الأصغر تظهر أولًا."
    )
    show_in_nav = models.BooleanField("يظهر في القائمة", default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = "قسم"
        verbose_name_plural = "الأقسام"
        ordering = ["nav_position", "name"]
        indexes = [models.Index(fields=["show_in_nav", "nav_position"], name="section_nav_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.name, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("articles:section", slug=self.slug)
