from django.contrib import admin
from django.db.models import Count, Prefetch
from django.utils.decorators import method_decorator
from django.utils.html import format_html

from . import richtext
from .models import Article, ArticleAuthor, Editor, Masthead, Section, Tag
from .tagging import TagAutocompleteWidget


def thumbnail(picture, alt: str = ""):
    """The smallest rendition, not the original: a list of fifty stories stays light."""
    if picture is None:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="80" height="45" class="newsroom-thumbnail">',
        picture.thumbnail_src,
        alt,
    )


class ThumbnailStyle:
    css = {"all": ["articles/admin.css"]}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "nav_position", "show_in_nav"]
    list_editable = ["nav_position", "show_in_nav"]
    list_filter = ["show_in_nav"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["photo_thumbnail", "name", "job_title", "is_editor_in_chief", "user"]
    list_display_links = ["photo_thumbnail", "name"]
    list_filter = ["is_editor_in_chief"]
    search_fields = ["name", "job_title", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    Media = ThumbnailStyle

    @admin.display(description="الصورة")
    def photo_thumbnail(self, editor):
        return thumbnail(editor.portrait, editor.name)


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["editor"]
    extra = 1
    min_num = 1
    validate_min = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    inlines = [ArticleAuthorInline]
    list_display = [
        "lead_thumbnail",
        "headline",
        "status",
        "section",
        "byline",
        "published_at",
        "updated_at",
    ]
    list_display_links = ["lead_thumbnail", "headline"]
    list_filter = ["status", "section", "published_at", "authors"]
    list_select_related = ["section"]
    search_fields = ["headline", "kicker", "dek", "body", "authors__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    readonly_fields = ["created_at", "updated_at"]
    Media = ThumbnailStyle
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "dek", "body"]}),
        (
            "الصورة الرئيسية",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        ("النشر", {"fields": ["section", "tags", "status", "published_at"]}),
        ("معلومات", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    @method_decorator(richtext.editor_page_policy)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = richtext.body_editor_widget()
        elif db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("editor"))
            )
        )

    @admin.display(description="الصورة")
    def lead_thumbnail(self, article):
        return thumbnail(article.lead_picture, article.lead_image_alt)

    @admin.display(description="الكتّاب")
    def byline(self, article):
        return "، ".join(editor.name for editor in article.ordered_authors())


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Also the source of the tag suggestions in the article form (admin autocomplete)."""

    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("tagged_articles"))

    @admin.display(description="عدد الأخبار", ordering="article_count")
    def article_count(self, tag):
        return tag.article_count


@admin.register(Masthead)
class MastheadAdmin(admin.ModelAdmin):
    list_display = ["site_name", "chief_role_label", "tagline"]
    fieldsets = [
        (None, {"fields": ["site_name", "tagline", "chief_role_label"]}),
        ("التواريخ", {"fields": ["show_hijri_date", "use_arabic_indic_digits"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Masthead.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
