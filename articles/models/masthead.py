from django.core.validators import RegexValidator
from django.db import models

from articles import images

DEFAULT_THEME_COLOR = "#ffffff"  # the masthead's own background (site.css --paper)


class Masthead(models.Model):
    """The paper's name, tagline, brand (logo, icon, colour) and the editor-in-chief's credit
    line, kept as one row."""

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

    logo = images.BrandImageField(
        "شعار الصحيفة (اللوغو)",
        upload_to=images.RandomName(images.LOGO.folder),
        width_field="logo_width",
        height_field="logo_height",
        blank=True,
        help_text=(
            "يظهر مكان اسم الصحيفة في أعلى كل صفحة، واسم الصحيفة نصه البديل لقارئات الشاشة. "
            "PNG بخلفية شفافة أو JPEG أو WebP (لا SVG)، ويُستحسن ارتفاع 150 بكسل أو أكثر."
        ),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    favicon = images.IconField(
        "أيقونة الموقع",
        upload_to=images.RandomName(images.ICONS_DIR),
        blank=True,
        help_text=(
            "تظهر في تبويب المتصفح وعلى الشاشة الرئيسية للهاتف. PNG أو JPEG أو WebP (لا SVG)، "
            "مربعة يُستحسن بمقاس 512×512 بكسل (192 على الأقل)؛ تُنشأ منها المقاسات 32 و180 و192 "
            "و512 تلقائيًا."
        ),
    )
    short_name = models.CharField(
        "الاسم المختصر",
        max_length=30,
        blank=True,
        help_text=(
            "يظهر تحت أيقونة الموقع على الشاشة الرئيسية للهاتف؛ يُستحسن ألا يزيد على 12 حرفًا. "
            "إن تُرك فارغًا ظهر اسم الصحيفة."
        ),
    )
    theme_color = models.CharField(
        "لون الهوية",
        max_length=7,
        default=DEFAULT_THEME_COLOR,
        blank=True,
        validators=[
            RegexValidator(
                r"^#[0-9a-fA-F]{6}$",
                message="اكتب اللون بصيغة #RRGGBB، مثل #a3141b، أو اختره من منتقي الألوان.",
            )
        ],
        help_text=(
            "لون شريط المتصفح على الهاتف ولون تطبيق الويب عند فتحه من الشاشة الرئيسية. "
            "إن تُرك فارغًا فالأبيض."
        ),
    )

    class Meta:
        verbose_name = "الترويسة"
        verbose_name_plural = "الترويسة"

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        self.theme_color = (self.theme_color or DEFAULT_THEME_COLOR).lower()
        super().save(*args, **kwargs)
        images.renditions_generate_on_commit(field_file=self.logo, rendition_set=images.LOGO)
        images.icons_generate_on_commit(field_file=self.favicon)

    @classmethod
    def load(cls) -> "Masthead":
        masthead, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return masthead

    @property
    def app_name(self) -> str:
        """The name under the icon on a phone's home screen."""
        return self.short_name or self.site_name

    def logo_picture(self) -> images.Picture | None:
        """The logo's renditions, sized from the row: no file opened."""
        return images.picture(
            self.logo, images.LOGO, width=self.logo_width, height=self.logo_height
        )

    def icon_urls(self) -> dict[str, str]:
        """The uploaded icon's renditions by use (`images.ICON_SIZES`); empty without one."""
        return images.icon_urls(self.favicon)

    def credit_line(self, editor_in_chief) -> str:
        """«رئيس مجلسي الإدارة والتحرير: محمد الباز», or nothing when no chief is named."""
        if editor_in_chief is None:
            return ""
        return f"{self.chief_role_label}: {editor_in_chief.name}"
