from datetime import date
from functools import lru_cache

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from reversion import is_active as revision_is_active
from reversion import set_comment as set_revision_comment
from reversion.admin import VersionAdmin

from articles import images, preview, search, workflow
from articles.admin import alerts, drafts, history, richtext
from articles.admin.dashboard import count_phrase
from articles.admin.forms import (
    ArticleAdminForm,
    ArticleAuthorForm,
    ArticleAuthorFormSet,
    CorrectionForm,
    CorrectionFormSet,
    display_name,
)
from articles.admin.live import live_desk_url
from articles.converters import parse_id
from articles.dates import newsroom_date
from articles.models import Article, ArticleAuthor, Correction, Editor, Masthead, Section, Tag
from articles.models import fields as declared
from articles.tagging import TagAutocompleteWidget

Status = Article.Status


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


class ArticleFormAssets(ThumbnailStyle):
    js = [
        # Names the autocompletes (select2) after their fields, for screen readers.
        "articles/admin/autocomplete_names.js",
        # The list's filter panel: open on a wide screen, folded away on a phone.
        "articles/admin/changelist_filters.js",
        # Autosave, the leave warning and who else is editing (articles/admin/drafts.py).
        "articles/admin/drafts.js",
        # Live counters: headline and SEO lengths, the body's words and reading time.
        "articles/admin/counters.js",
        # The lead photo's focal point, set by clicking the photo.
        "articles/admin/focal_point.js",
    ]


# The list's date columns, written as the public site writes dates («2 ديسمبر 2026، 18:11»).
LIST_DATE = "j F Y"


@lru_cache(maxsize=1024)
def _list_day(day: date, language: str | None) -> str:
    # A page of the list shows a few distinct days: each is spelt once per process and language.
    return newsroom_date(day, LIST_DATE)


def list_datetime(value, label: str):
    """A date column's cell: the date and the time, each kept whole, so a narrow column breaks
    between them and never inside «2 ديسمبر 2026». `label` («نُشر») shows only on a phone,
    where the cells stack without their column headers."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<span class="newsroom-when__label">{}</span> <time datetime="{}" class="newsroom-when">'
        "<span>{}</span>، <span>{}</span></time>",
        label,
        local.isoformat(timespec="minutes"),
        _list_day(local.date(), translation.get_language()),
        local.strftime("%H:%M"),
    )


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


class StateListFilter(admin.SimpleListFilter):
    """Filter by the state the desk sees: a scheduled story past its minute counts as published."""

    title = "الحالة"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == Status.PUBLISHED:
            return queryset.published()
        if value == Status.SCHEDULED:
            return queryset.scheduled()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class MineListFilter(admin.SimpleListFilter):
    title = "الكاتب"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "أخباري")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.owned_by(request.user)
        return queryset


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    form = ArticleAuthorForm
    formset = ArticleAuthorFormSet
    autocomplete_fields = ["editor"]
    extra = 1
    min_num = 1
    validate_min = True

    # Bylines follow the article: whoever may not edit the story may not edit its bylines.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _may_edit(self, request, obj):
        return obj is None or workflow.can_edit(article=obj, user=request.user)


class CorrectionInline(admin.StackedInline):
    """The story's corrections, clarifications and updates. Added to a published story by the
    desk only; saved through the workflow's services (ArticleAdmin.save_formset)."""

    model = Correction
    form = CorrectionForm
    formset = CorrectionFormSet
    extra = 0
    classes = ["article-corrections"]
    verbose_name = "تصحيح أو توضيح أو تحديث"
    verbose_name_plural = "التصحيحات والتوضيحات والتحديثات (تظهر للقراء)"

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.is_published
            and workflow.can_publish_corrections(request.user)
            and super().has_add_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return workflow.can_publish_corrections(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return workflow.can_publish_corrections(request.user) and super().has_delete_permission(
            request, obj
        )


# A search lists its newest matches up to this many (ten pages): a word found in most of the
# archive is narrowed with a second word or a filter, not paged through.
SEARCH_COUNT_LIMIT = 1000
# What the list never shows: the story's text, most of every row.
LIST_DEFERRED = ("body", "dek")


class DeskPaginator(Paginator):
    """The article list's pages, read in two short steps: the page's ids, in the list's order,
    from the index alone (however far the page), then those stories' rows through `rows`. A
    far page no longer reads the text of every story before it."""

    def __init__(
        self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, rows, count_limit
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.rows = rows
        self.count_limit = count_limit

    @cached_property
    def count(self):
        if self.count_limit is None:
            return super().count
        # The newest `count_limit` matches, read like a page: counting every match of a common
        # word would read the whole index of the archive.
        return self.object_list[: self.count_limit].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        found = self.rows(ids).in_bulk(ids) if ids else {}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "؛ ".join(error.messages)
    return str(error) or "غير مسموح."


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    inlines = [ArticleAuthorInline, CorrectionInline]
    change_list_template = None  # Django's own: no "recover deleted" link (see recover_view)
    history_latest_first = True
    # No «save as new» button: the desk never copies a story (a copy would repeat its headline,
    # bylines and address slug). Django still takes a hand-made `_saveasnew` POST as an addition,
    # which goes through the workflow like any new story.
    save_as = False
    list_display = [
        "lead_thumbnail",
        "headline",
        "state",
        "section",
        "byline",
        "published",
        "updated",
    ]
    list_display_links = ["lead_thumbnail", "headline"]
    list_filter = [
        StateListFilter,
        MineListFilter,
        "section",
        "is_breaking",
        "is_featured",
        "is_pinned",
        "published_at",
    ]
    list_select_related = ["section"]
    # Searched through the readers' index (get_search_results); Django only needs to know
    # that the list has a search box.
    search_fields = ["headline"]
    search_help_text = (
        "يبحث في العنوان والعنوان التمهيدي والملخص والمتن وأسماء الكتّاب، "
        "أيًّا كانت طريقة كتابة الكلمة (الأهلي والاهلي، القاهرة والقاهره). "
        f"تُعرض أحدث {SEARCH_COUNT_LIMIT} نتيجة؛ أضف كلمة أو مرشحًا لتضييق البحث."
    )
    # The archive is never counted twice, and a page is read from the newest-first index
    # (DeskPaginator). No date hierarchy: its year links read every row's date; the
    # publication-date filter offers the same periods from the index.
    show_full_result_count = False
    # Fifty stories a page, a desk shift's worth: every row is rendered in Python, so a page
    # of fifty answers sooner than Django's hundred (bench/RESULTS.md, admin pages).
    list_per_page = 50
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    Media = ArticleFormAssets
    actions = [
        "submit_selected",
        "publish_selected",
        "schedule_selected",
        "withdraw_selected",
        "mark_breaking",
        "unmark_breaking",
        "mark_featured",
        "unmark_featured",
        "pin_as_lead",
        "unpin",
    ]
    fieldsets = declared.admin_fieldsets()
    FORM_ONLY_FIELDS = declared.FORM_ONLY
    HOME_PAGE_FIELDS = list(declared.HOME_PAGE_FIELDS)

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

    # The list: searched as readers search, paged through the index -------------------------

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        try:
            terms = search.parse_query(search_term)
        except search.SearchQueryError as error:
            self.message_user(request, str(error), messages.WARNING)
            return queryset.none(), False
        return search.desk_matches(queryset, terms), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return DeskPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            rows=lambda ids: (
                self.get_queryset(request)
                .select_related(*self.list_select_related)
                .defer(*LIST_DEFERRED)
                .filter(pk__in=ids)
            ),
            count_limit=SEARCH_COUNT_LIMIT if request.GET.get(SEARCH_VAR, "").strip() else None,
        )

    # Permissions: the workflow's rules, on every path --------------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(article=obj, user=request.user)

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.SUBMIT.permission)

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH.permission)

    def has_schedule_permission(self, request):
        return request.user.has_perm(workflow.SCHEDULE.permission)

    def has_withdraw_permission(self, request):
        return request.user.has_perm(workflow.WITHDRAW.permission)

    def has_home_page_permission(self, request):
        return request.user.has_perm(workflow.HOME_PAGE_PERMISSION)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A read-only view has no form to carry the edit token or a comment.
            fieldsets = [
                (
                    name,
                    {
                        **options,
                        "fields": [f for f in options["fields"] if f not in self.FORM_ONLY_FIELDS],
                    },
                )
                for name, options in fieldsets
            ]
        if not self.has_withdraw_permission(request):
            # The withdrawal's explanation is asked of those who may withdraw a story only.
            fieldsets = [
                (
                    name,
                    {
                        **options,
                        "fields": [f for f in options["fields"] if f != "withdrawal_explanation"],
                    },
                )
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "created_at",
            "updated_at",
            "revised_at",
            "created_by",
            "updated_by",
            "transition_log",
            "live_desk",
        ]
        user = request.user
        if not self.has_home_page_permission(request):
            readonly += self.HOME_PAGE_FIELDS
        if not (self.has_publish_permission(request) or self.has_schedule_permission(request)):
            readonly.append("published_at")
        article = obj or Article()
        if not any(
            move.target != article.status
            for move in workflow.available_moves(article=article, user=user)
        ):
            readonly.append("status")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editing_user = request.user  # a fresh class per request: safe to set
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        profile = getattr(request.user, "editor_profile", None)
        if obj.pk is None and request.method == "GET" and profile is not None:
            kwargs["initial"] = [{"editor": profile.pk}]  # a reporter signs their own story
        return kwargs

    # Saving: content through the workflow's single write path, then the state move ---------

    def save_model(self, request, obj, form, change):
        # The status field asks for a move; the move itself happens in save_related, through
        # the workflow service, once the bylines are saved.
        obj.status = form.original_status
        if not change:
            obj.created_by = request.user
        workflow.article_save(article=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        # Notes are written by the workflow's services: the permission, the story's version
        # and the audit trail's event are theirs.
        formset.save(commit=False)
        for note in formset.deleted_objects:
            workflow.correction_delete(correction=note, by=request.user)
        for note, changed in formset.changed_objects:
            workflow.correction_change(
                correction=note,
                by=request.user,
                **{
                    name: getattr(note, name)
                    for name in changed
                    if name in CorrectionForm.Meta.fields
                },
            )
        for note in formset.new_objects:
            workflow.correction_add(
                article=form.instance,
                by=request.user,
                kind=note.kind,
                text=note.text,
                placement=note.placement,
                noted_at=note.noted_at,
            )
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        drafts.discard_after_save(
            user=request.user, article=article, client_key=request.POST.get("_autosave_key", "")
        )
        if "is_pinned" in form.changed_data and article.is_pinned:
            workflow.article_pin(article=article, by=request.user, until=article.pinned_until)
        if article.lead_image and (article.lead_image_width or 0) < images.SOCIAL_MIN_WIDTH:
            self.message_user(
                request,
                f"تنبيه: عرض الصورة الرئيسية {article.lead_image_width} بكسل، أقل من "
                f"{images.SOCIAL_MIN_WIDTH} بكسل؛ ستبدو باهتة عند مشاركة الخبر وفي نتائج البحث. "
                "حُفظ الخبر، ويُستحسن رفع صورة أعرض.",
                messages.WARNING,
            )
        move = form.planned_move
        if move is not None:
            workflow.SERVICES[move](article=article, by=request.user, **form.move_kwargs)
            request.article_move = move
            request.article_move_note = form.move_kwargs.get("comment", "").strip()

    # History and messages: what this save did, in the newsroom's words ------------------------

    def construct_change_message(self, request, form, formsets, add=False):
        request.article_save_summary = history.describe_save(form, formsets, add=add)
        return super().construct_change_message(request, form, formsets, add)

    def _history_comment(self, request) -> str:
        """The version's comment: what changed, then the state move and its note."""
        summary = getattr(request, "article_save_summary", "")
        move = getattr(request, "article_move", None)
        if move is None:
            return summary
        note = getattr(request, "article_move_note", "")
        done = f"{move.done}: {note}" if note else move.done
        return done if summary == history.UNCHANGED else f"{summary} — {done}"

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if revision_is_active():
            set_revision_comment(self._history_comment(request))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if revision_is_active():
            set_revision_comment(self._history_comment(request))
        return entry

    def _saved_message(self, request, obj, *, add: bool) -> str:
        move = getattr(request, "article_move", None)
        edited = getattr(request, "article_save_summary", "") != history.UNCHANGED
        if add:
            message = f"أُنشئ الخبر «{obj}» " + (f"و{move.done}." if move else "مسودةً.")
        elif move is not None:
            message = f"{move.done} الخبر «{obj}»" + ("، وحُفظت التعديلات عليه." if edited else ".")
        elif edited:
            message = f"حُفظت التعديلات على الخبر «{obj}»."
        else:
            message = f"حُفظ الخبر «{obj}» ولم يتغير فيه شيء."
        if "_continue" in request.POST and self.has_change_permission(request, obj):
            message += " يمكنك مواصلة التعديل أدناه."
        return message

    def _after_save(self, request, obj, *, add: bool, respond):
        """Say what the save did (Django's own Arabic says «added» for a change), then go on as
        the admin does, except after a move that takes the story out of the writer's hands:
        then they see it rendered, on the preview, not its markup in a read-only form."""
        self.message_user(request, self._saved_message(request, obj, add=add), messages.SUCCESS)
        if (
            getattr(request, "article_move", None) is not None
            and "_popup" not in request.POST
            and not self.has_change_permission(request, obj)
        ):
            return HttpResponseRedirect(reverse("articles:preview", args=[obj.pk]))
        request.article_message_given = True
        return respond()

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(
            request,
            obj,
            add=True,
            respond=lambda: super(ArticleAdmin, self).response_add(request, obj, post_url_continue),
        )

    def response_change(self, request, obj):
        return self._after_save(
            request,
            obj,
            add=False,
            respond=lambda: super(ArticleAdmin, self).response_change(request, obj),
        )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "article_message_given", False) and level == messages.SUCCESS:
            return  # this save's message was already given, in the newsroom's words
        super().message_user(request, message, level, *args, **kwargs)

    def view_on_site(self, obj):
        # Only a story readers can see has a page on the site; the others get "معاينة".
        return obj.get_absolute_url() if obj.is_published else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_share_preview": request.user.has_perm("articles.share_preview"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_send_alert"] = alerts.can_offer_alert(article=obj, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Columns and read-only fields ------------------------------------------------------------

    @admin.display(description="الصورة")
    def lead_thumbnail(self, article):
        return thumbnail(article.lead_picture, article.lead_image_alt)

    @admin.display(description="الكتّاب")
    def byline(self, article):
        return "، ".join(editor.name for editor in article.ordered_authors())

    @admin.display(description="الحالة", ordering="status")
    def state(self, article):
        """A chip for the state, then one for each home-page flag: read at a glance, and one
        narrow column instead of two."""
        state = article.effective_status
        label = Status(state).label
        if state == Status.SCHEDULED:
            label = f"{label}: {date_format(timezone.localtime(article.published_at), 'j F، H:i')}"
        flags = [
            (name, flag_label)
            for flag, name, flag_label in (
                (article.is_pinned, "pinned", "مثبت"),
                (article.is_breaking, "breaking", "عاجل"),
                (article.is_featured, "featured", "مميز"),
            )
            if flag
        ]
        return format_html(
            '<span class="newsroom-chips">{}</span>',
            format_html_join(
                "",
                '<span class="newsroom-chip newsroom-chip--{}">{}</span>',
                [(state, label), *flags],
            ),
        )

    @admin.display(description="وقت النشر", ordering="published_at")
    def published(self, article):
        return list_datetime(article.published_at, "نُشر")

    @admin.display(description="آخر تعديل", ordering="updated_at")
    def updated(self, article):
        return list_datetime(article.updated_at, "عُدّل")

    @admin.display(description="التغطية المباشرة")
    def live_desk(self, article):
        """The story's live desk, one click away: entries, start and end of the coverage."""
        if article.pk is None:
            return "احفظ الخبر أولًا، ثم افتح ديسك تغطيته المباشرة."
        if article.is_live:
            state = "جارية"
        elif article.live_ended_at:
            state = "انتهت"
        else:
            state = "لم تبدأ"
        return format_html(
            '{} — <a href="{}" id="live-desk-link">ديسك التغطية المباشرة</a>',
            state,
            live_desk_url(article.pk),
        )

    @admin.display(description="سجل الحالات")
    def transition_log(self, article):
        if article.pk is None:
            return "—"
        transitions = article.transitions.select_related("by__editor_profile")[:10]
        if not transitions:
            return "لم تتغير حالته بعد."
        return format_html(
            '<ul class="transition-log">{}</ul>',
            format_html_join(
                "",
                "<li>{} ← {}، {} في {}{}</li>",
                (
                    (
                        move.get_from_status_display(),
                        move.get_to_status_display(),
                        display_name(move.by),
                        date_format(timezone.localtime(move.at), "j F Y، H:i"),
                        f": «{move.comment}»" if move.comment else "",
                    )
                    for move in transitions
                ),
            ),
        )

    # List actions: each one goes through the workflow services ----------------------------

    def _apply(self, request, queryset, done: str, service, **kwargs):
        moved, refused = 0, []
        for article in queryset:
            try:
                service(article=article, by=request.user, **kwargs)
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"«{article}»: {_reason(error)}")
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{done}: {count_phrase(moved)}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"لم يتم: {line}", messages.ERROR)

    def _confirm(self, request, queryset, *, title, action, field, error=""):
        """The intermediate page of an action that needs a time or a reason."""
        return TemplateResponse(
            request,
            "admin/articles/article/action_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "articles": queryset,
                "action": action,
                "field": field,
                "error": error,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="إرسال المحدد إلى المراجعة", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._apply(request, queryset, "أُرسل إلى المراجعة", workflow.article_submit)

    @admin.action(description="نشر المحدد الآن", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, "نُشر", workflow.article_publish)

    @admin.action(description="جدولة نشر المحدد…", permissions=["schedule"])
    def schedule_selected(self, request, queryset):
        if "apply" in request.POST:
            raw = request.POST.get("at", "").strip()
            parsed = parse_datetime(raw) if raw else None
            if parsed is not None and timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            if parsed is None or parsed <= timezone.now():
                error = "اختر وقت نشر صحيحًا في المستقبل."
            else:
                self._apply(request, queryset, "جُدول", workflow.article_schedule, at=parsed)
                return None
        else:
            error = ""
        return self._confirm(
            request,
            queryset,
            title="جدولة نشر الأخبار",
            action="schedule_selected",
            field="at",
            error=error,
        )

    @admin.action(description="سحب المحدد من النشر…", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        if "apply" in request.POST:
            comment = request.POST.get("comment", "")
            explanation = request.POST.get("explanation", "")
            self._apply(
                request,
                queryset,
                "سُحب",
                workflow.article_withdraw,
                comment=comment,
                explanation=explanation,
            )
            return None
        return self._confirm(
            request,
            queryset,
            title="سحب الأخبار من النشر",
            action="withdraw_selected",
            field="comment",
        )

    @admin.action(description="تعليم المحدد عاجلًا", permissions=["home_page"])
    def mark_breaking(self, request, queryset):
        self._apply(request, queryset, "عُلّم عاجلًا", workflow.article_set_breaking)

    @admin.action(description="إلغاء صفة العاجل عن المحدد", permissions=["home_page"])
    def unmark_breaking(self, request, queryset):
        self._apply(
            request, queryset, "أُلغيت صفة العاجل", workflow.article_set_breaking, breaking=False
        )

    @admin.action(description="تعليم المحدد مميزًا", permissions=["home_page"])
    def mark_featured(self, request, queryset):
        self._apply(request, queryset, "عُلّم مميزًا", workflow.article_set_featured)

    @admin.action(description="إلغاء صفة المميز عن المحدد", permissions=["home_page"])
    def unmark_featured(self, request, queryset):
        self._apply(
            request, queryset, "أُلغيت صفة المميز", workflow.article_set_featured, featured=False
        )

    @admin.action(description="تثبيت الخبر المحدد في صدارة الرئيسية", permissions=["home_page"])
    def pin_as_lead(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "اختر خبرًا واحدًا فقط لتثبيته في الصدارة.", messages.ERROR)
            return
        self._apply(request, queryset, "ثُبّت في الصدارة", workflow.article_pin)

    @admin.action(description="إلغاء تثبيت المحدد", permissions=["home_page"])
    def unpin(self, request, queryset):
        self._apply(request, queryset, "أُلغي التثبيت", workflow.article_unpin)

    # History: versions, comparison, restore, share links --------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "autosave/<str:story_key>/",
                wrap(drafts.autosave_view),
                name="articles_article_autosave",
            ),
            path(
                "<path:object_id>/presence/",
                wrap(drafts.presence_view),
                name="articles_article_presence",
            ),
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/alert/",
                wrap(
                    lambda request, object_id: alerts.alert_confirm_view(self, request, object_id)
                ),
                name="articles_article_alert",
            ),
            path(
                "<path:object_id>/share-preview/",
                wrap(self.share_preview_view),
                name="articles_article_share_preview",
            ),
            *super().get_urls(),
        ]

    def _article_for_history(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("لا يوجد خبر بهذا الرقم.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(article),
            "opts": self.model._meta,
            "original": article,
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_for_history(request, object_id)
        context = self._context(
            request,
            article,
            "سجل نسخ الخبر",
            versions=list(history.article_versions(article)),
            can_restore=workflow.can_edit(article=article, user=request.user),
        )
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One version, read-only, with a button that restores it as a new version."""
        article = self._article_for_history(request, object_id)
        version = get_object_or_404(history.article_versions(article), pk=version_id)
        can_restore = workflow.can_edit(article=article, user=request.user)
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            workflow.article_restore_version(article=article, version=version, by=request.user)
            self.message_user(
                request,
                "استُعيدت النسخة وحُفظت نسخةً جديدة؛ حالة الخبر ووقت نشره لم يتغيرا.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = self._context(
            request,
            article,
            "نسخة من الخبر",
            version=version,
            summary=history.version_summary(version),
            can_restore=can_restore,
        )
        return TemplateResponse(request, "admin/articles/article/version.html", context)

    def compare_view(self, request, object_id):
        article = self._article_for_history(request, object_id)
        ids = [parse_id(request.GET.get("old", "")), parse_id(request.GET.get("new", ""))]
        if None in ids:
            raise Http404("اختر نسختين للمقارنة.")
        versions = history.article_versions(article)
        old, new = (get_object_or_404(versions, pk=pk) for pk in ids)
        if (old.revision.date_created, old.pk) > (new.revision.date_created, new.pk):
            old, new = new, old
        context = self._context(
            request, article, "مقارنة نسختين", comparison=history.compare_versions(old, new)
        )
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def recoverlist_view(self, request, extra_context=None):
        # django-reversion's recovery brings back a deleted story with its old state, perhaps
        # published, past the workflow. Not offered: withdraw a story rather than delete it.
        raise Http404("استعادة الأخبار المحذوفة غير متاحة.")

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404("استعادة الأخبار المحذوفة غير متاحة.")

    def share_preview_view(self, request, object_id):
        """The story's share links: make one (shown once), see who made each, revoke any."""
        article = self._article_for_history(request, object_id)
        if not request.user.has_perm(preview.PERMISSION):
            raise PermissionDenied
        links = article.share_links.select_related("created_by", "revoked_by")
        new_link = None
        if request.method == "POST":
            if "revoke" in request.POST:
                pk = parse_id(request.POST["revoke"])
                if pk is None:
                    raise Http404("لا يوجد رابط بهذا الرقم.")
                link = get_object_or_404(links, pk=pk)
                preview.share_link_revoke(link=link, by=request.user)
                self.message_user(request, "أُنهي رابط المعاينة: لم يعد يفتح الخبر.")
                return HttpResponseRedirect(request.path)
            try:
                _, path = preview.share_link_create(article=article, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(request.path)
            new_link = request.build_absolute_uri(path)
        context = self._context(
            request,
            article,
            "روابط المعاينة للمشاركة",
            new_link=new_link,
            links=list(links),
            now=timezone.now(),
            can_share=article.effective_status in preview.SHAREABLE_STATUSES,
            max_age_hours=settings.NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS,
        )
        return TemplateResponse(request, "admin/articles/article/share_preview.html", context)


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
        (
            "الهوية: اللوغو والأيقونة واللون",
            {"fields": ["logo", "favicon", "brand_preview", "short_name", "theme_color"]},
        ),
        ("التواريخ", {"fields": ["show_hijri_date", "use_arabic_indic_digits"]}),
    ]
    readonly_fields = ["brand_preview"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "theme_color":
            kwargs["widget"] = forms.TextInput(attrs={"type": "color"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="كما يراها القارئ")
    def brand_preview(self, masthead):
        """The logo as the masthead shows it and the icon as a browser tab does."""
        logo = masthead.logo_picture() if masthead.pk else None
        icons = masthead.icon_urls() if masthead.pk else {}
        if logo is None and not icons:
            return "لا لوغو ولا أيقونة بعد: يظهر اسم الصحيفة نصًا وأيقونة الموقع الافتراضية."
        parts = []
        if logo is not None:
            parts.append(
                format_html(
                    '<img src="{}" alt="{}" height="48" style="width:auto;height:48px">',
                    logo.src,
                    masthead.site_name,
                )
            )
        if icons:
            parts.append(
                format_html(
                    '<img src="{}" alt="أيقونة الموقع" width="32" height="32">', icons["tab"]
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Masthead.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
