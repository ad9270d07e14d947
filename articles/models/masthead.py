from django.db import models


class Masthead(models.Model):
    """The paper's name, tagline and the editor-in-chief's credit line, kept as one row."""

    SINGLETON_PK = 1

    site_name = models.CharField("اسم الصحيفة", max_length=100, default="غرفة الأخبار")
    tagline = models.CharField("الشعار", max_length=200, blank=True)
    chief_role_label = models.CharField(
        "صفة رئيس التحرير في الترويسة",
        max_length=150,
        default="رئيس مجلسي الإدارة والتحرير",
        help_text="تظهر قبل اسم رئيس التحرير في أعلى كل صفحة.",
    )
    show_hijri_date = models.BooleanField(
        "إظهار التاريخ الهجري",
        default=False,
        help_text="يظهر التاريخ الهجري بجانب الميلادي في الترويسة وفي صفحة الخبر.",
    )
    use_arabic_indic_digits = models.BooleanField(
        "الأرقام الهندية (٠١٢٣)",
        default=False,
        help_text="تُكتب أرقام التواريخ على الموقع بالأرقام الهندية بدل 0123.",
    )

    class Meta:
        verbose_name = "الترويسة"
        verbose_name_plural = "الترويسة"

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "Masthead":
        masthead, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return masthead

    def credit_line(self, editor_in_chief) -> str:
        """«رئيس مجلسي الإدارة والتحرير: محمد الباز», or nothing when no chief is named."""
        if editor_in_chief is None:
            return ""
        return f"{self.chief_role_label}: {editor_in_chief.name}"
