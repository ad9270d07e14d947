"""The live desk: a story's live coverage in the admin («تغطية مباشرة»).

The desk works under deadline, so the story's change form links to its live desk: the list of
its entries, newest first, filtered to that story (`?article__id__exact=<id>`), with the
coverage's state, the buttons to start or end it, and «تدوينة جديدة» (the body in CKEditor, a
photo, a pin). The list's actions publish, pin, unpin and delete entries. Every write goes
through `articles/live.py`, which checks the roles on the server: a reporter's entries wait for
the desk (the review state is the preview before publishing). History: each entry's versions,
deleted entries included (django-reversion), read-only here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from reversion.admin import VersionAdmin

from articles import live
from articles.admin import richtext
from articles.models import Article, LiveEntry

State = LiveEntry.State
ARTICLE_FILTER = "article__id__exact"


def live_desk_url(article_id: int) -> str:
    return f"{reverse('admin:articles_liveentry_changelist')}?{ARTICLE_FILTER}={article_id}"


class LiveEntryForm(forms.ModelForm):
    go = forms.BooleanField(
        label="انشرها الآن",
        required=False,
        initial=True,
        help_text="دون هذا تبقى مسودة لا يراها القراء.",
    )

    class Meta:
        model = LiveEntry
        fields = ["article", "body", "photo", "photo_alt", "photo_caption", "pinned"]

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article") or (self.instance.article if self.instance.pk else None)
        if self.instance.pk is None and article is not None and not article.is_live:
            raise ValidationError("لا تغطية مباشرة جارية لهذا الخبر؛ ابدأها من ديسك التغطية أولًا.")
        return cleaned


@admin.register(LiveEntry)
class LiveEntryAdmin(VersionAdmin):
    form = LiveEntryForm
    list_display = ["posted", "summary", "story", "state", "pinned", "author"]
    list_display_links = ["summary"]
    list_filter = ["state", "pinned"]
    # Each row's story and author in the list's one query, however many stories there are.
    list_select_related = ["article", "author"]
    raw_id_fields = ["article"]
    list_per_page = 50
    actions = ["publish_selected", "pin_selected", "unpin_selected", "delete_selected"]
    history_latest_first = True
    change_list_template = "admin/articles/liveentry/change_list.html"

    @method_decorator(richtext.editor_page_policy)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = richtext.body_editor_widget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        entries = (
            super()
            .get_queryset(request)
            .defer("article__body", "article__dek")
            .order_by("-created_at", "-pk")
        )
        if not live.can_publish_live(request.user):
            # A reporter sees what readers see, and their own drafts and entries in review.
            entries = entries.filter(Q(state=State.PUBLISHED) | Q(created_by=request.user))
        return entries

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        go = form.base_fields.get("go")
        if go is not None:
            if live.can_publish_live(request.user):
                go.label, go.help_text = "انشرها الآن", "دون هذا تبقى مسودة لا يراها القراء."
            else:
                go.label = "أرسلها إلى الديسك"
                go.help_text = "يراجعها محرر الديسك وينشرها؛ دون هذا تبقى مسودة لك."
        return form

    def get_fields(self, request, obj=None):
        fields = ["article", "body", "photo", "photo_alt", "photo_caption"]
        if live.can_publish_live(request.user):
            fields.append("pinned")
        if obj is None or obj.state != State.PUBLISHED:
            fields.append("go")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and not live.can_change_entry(entry=obj, user=request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not live.can_change_entry(entry=obj, user=request.user):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return live.can_publish_live(request.user)

    # Writes, through the services -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        go = data.get("go", False)
        by = request.user
        if not change:
            entry = live.live_entry_post(
                article=obj.article,
                by=by,
                body=obj.body,
                photo=data.get("photo") or None,
                photo_alt=obj.photo_alt,
                photo_caption=obj.photo_caption,
                pinned=bool(data.get("pinned")) and go,
                publish=go and live.can_publish_live(by),
            )
            if go and not live.can_publish_live(by):
                entry = live.live_entry_submit(entry=entry, by=by)
            obj.pk = entry.pk
            obj.state = entry.state
            return
        changes = {
            name: getattr(obj, name) for name in live.ENTRY_FIELDS if name in form.changed_data
        }
        stored = LiveEntry.objects.get(pk=obj.pk)
        if changes:
            stored = live.live_entry_change(entry=stored, by=by, **changes)
        if "pinned" in form.changed_data and stored.state == State.PUBLISHED:
            stored = live.live_entry_pin(entry=stored, by=by, pinned=bool(data.get("pinned")))
        if go and stored.state != State.PUBLISHED:
            if live.can_publish_live(by):
                stored = live.live_entry_publish(entry=stored, by=by)
            elif stored.state == State.DRAFT:
                stored = live.live_entry_submit(entry=stored, by=by)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            add = reverse("admin:articles_liveentry_add")
            return HttpResponseRedirect(f"{add}?article={obj.article_id}")
        if "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, "حُفظت التدوينة.", messages.SUCCESS)
        return HttpResponseRedirect(live_desk_url(obj.article_id))

    def response_change(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, "حُفظت التدوينة.", messages.SUCCESS)
        return HttpResponseRedirect(live_desk_url(obj.article_id))

    def save_related(self, request, form, formsets, change):
        """Nothing else to save: the services wrote the entry."""

    def delete_model(self, request, obj):
        live.live_entry_delete(entry=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            live.live_entry_delete(entry=entry, by=request.user)

    def _apply(self, request, queryset, service, done, **kwargs):
        count, refusals = 0, []
        for entry in queryset:
            try:
                service(entry=entry, by=request.user, **kwargs)
                count += 1
            except (PermissionDenied, ValidationError) as refusal:
                refusals.append(" ".join(getattr(refusal, "messages", [str(refusal)])))
        if count:
            self.message_user(request, f"{done}: {count}", messages.SUCCESS)
        for reason in dict.fromkeys(refusals):
            self.message_user(request, reason, messages.ERROR)

    @admin.action(description="نشر التدوينات المحددة", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, live.live_entry_publish, "نُشرت")

    @admin.action(description="تثبيت المحدد في أبرز النقاط", permissions=["publish"])
    def pin_selected(self, request, queryset):
        self._apply(request, queryset, live.live_entry_pin, "ثُبّتت", pinned=True)

    @admin.action(description="إلغاء تثبيت المحدد", permissions=["publish"])
    def unpin_selected(self, request, queryset):
        self._apply(request, queryset, live.live_entry_pin, "أُلغي تثبيتها", pinned=False)

    # History is read-only: restoring goes through the desk's own edit, not a raw revert.

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied("تُعاد كتابة التدوينة المحذوفة تدوينةً جديدة؛ نسخها للاطلاع فقط.")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("نسخ التدوينة للاطلاع فقط؛ عدّلها من صفحتها.")
        return super().revision_view(request, object_id, version_id, extra_context)

    # The list: the live desk of one story ---------------------------------------------------

    @admin.display(description="الوقت", ordering="posted_at")
    def posted(self, entry):
        moment = entry.posted_at or entry.created_at
        return date_format(timezone.localtime(moment), "j F، H:i")

    @admin.display(description="التدوينة")
    def summary(self, entry):
        return Truncator(strip_tags(entry.body)).words(15) or f"تدوينة #{entry.pk}"

    @admin.display(description="الخبر", ordering="article")
    def story(self, entry):
        return format_html(
            '<a href="{}">{}</a>', live_desk_url(entry.article_id), entry.article.headline
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "coverage/<int:article_id>/<str:move>/",
                wrap(self.coverage_view),
                name="articles_liveentry_coverage",
            ),
            *super().get_urls(),
        ]

    def coverage_view(self, request, article_id, move):
        """Start or end a story's live coverage (POST from the live desk)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        services = {"start": live.live_start, "end": live.live_end}
        if move not in services:
            raise PermissionDenied
        article = get_object_or_404(Article, pk=article_id)
        try:
            services[move](article=article, by=request.user)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        else:
            done = "بدأت التغطية المباشرة" if move == "start" else "انتهت التغطية المباشرة"
            self.message_user(request, f"{done}: {article.headline}", messages.SUCCESS)
        return HttpResponseRedirect(live_desk_url(article.pk))

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        article_id = request.GET.get(ARTICLE_FILTER, "")
        if article_id.isdigit() and len(article_id) < 19:
            article = (
                Article.objects.filter(pk=int(article_id))
                .only("pk", "headline", "slug", "status", "live_started_at", "live_ended_at")
                .first()
            )
            if article is not None:
                extra_context.update(
                    live_story=article,
                    live_can_run=live.can_run_live(request.user),
                    live_add_url=(
                        f"{reverse('admin:articles_liveentry_add')}?article={article.pk}"
                    ),
                    live_start_url=reverse(
                        "admin:articles_liveentry_coverage", args=[article.pk, "start"]
                    ),
                    live_end_url=reverse(
                        "admin:articles_liveentry_coverage", args=[article.pk, "end"]
                    ),
                    live_story_url=reverse("admin:articles_article_change", args=[article.pk]),
                )
        return super().changelist_view(request, extra_context)
