import csv

# django-auditlog's own admin registers the trail's model (its AUDITLOG_LOGENTRY_MODEL) with
# a delete that works from related objects' pages; imported first here so the trail's admin
# below replaces it, whatever the order of INSTALLED_APPS.
import auditlog.admin  # noqa: F401
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from articles.roles import EDITOR_IN_CHIEF

from .audit import record
from .models import AuditEntry, RolePolicy, StaffAccount
from .two_factor import has_device, two_factor_required, two_factor_reset


def _is_chief(user) -> bool:
    # Asked many times a page (menu, permissions, each filter): once per request's user.
    if not hasattr(user, "_staff_is_chief"):
        user._staff_is_chief = user.is_active and (
            user.is_superuser or user.groups.filter(name=EDITOR_IN_CHIEF).exists()
        )
    return user._staff_is_chief


class ChiefOnlyAdmin(admin.ModelAdmin):
    """Seen and used by the editor-in-chief (or a superuser) only; nothing added or deleted."""

    def has_module_permission(self, request):
        return _is_chief(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_chief(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _DistinctValueFilter(admin.SimpleListFilter):
    """A filter whose choices are the values the trail holds (the most recent first)."""

    field = ""
    present: dict = {}  # the lookup that leaves out entries without a value
    limit = 100

    def lookups(self, request, model_admin):
        values = (
            AuditEntry.objects.filter(**self.present)
            .values_list(self.field, flat=True)
            .order_by(self.field)
            .distinct()[: self.limit]
        )
        return [(value, value) for value in values]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class PersonFilter(_DistinctValueFilter):
    title = "المستخدم"
    parameter_name = "username"
    field = "username"
    present = {"username__gt": ""}


class AddressFilter(_DistinctValueFilter):
    title = "العنوان"
    parameter_name = "address"
    field = "remote_addr"
    present = {"remote_addr__isnull": False}


CSV_COLUMNS = ("الوقت", "الحدث", "المستخدم", "العنوان", "الموضوع", "ما تغيّر والتفاصيل")
# A cell a spreadsheet would run as a formula (a headline or a name typed to look like one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ChiefOnlyAdmin):
    """The trail, read and filtered by the editor-in-chief, exported as CSV; never edited."""

    list_display = ("timestamp", "kind", "person", "remote_addr", "object_repr", "what_changed")
    list_filter = ("kind", PersonFilter, AddressFilter, "timestamp")
    search_fields = ("username", "remote_addr", "object_repr")
    date_hierarchy = "timestamp"
    fields = (
        "timestamp",
        "kind",
        "person",
        "remote_addr",
        "object_repr",
        "what_changed",
        "changes",
        "additional_data",
    )
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False
    actions = None

    # Only the editor-in-chief reads the trail; nobody edits it either.
    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="المستخدم", ordering="username")
    def person(self, entry):
        return entry.who

    @admin.display(description="ما تغيّر")
    def what_changed(self, entry):
        return entry.what_changed()

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="staff_auditentry_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The list as filtered now, as CSV: UTF-8 with a BOM, so Excel reads the Arabic."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            entries = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            # As the list itself answers a filter it cannot apply.
            return HttpResponseRedirect(
                reverse("admin:staff_auditentry_changelist") + f"?{ERROR_FLAG}=1"
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for entry in entries.iterator(chunk_size=2000):
            writer.writerow(
                _cell(value)
                for value in (
                    timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                    entry.get_kind_display(),
                    entry.who,
                    entry.remote_addr,
                    entry.object_repr,
                    entry.what_changed(),
                )
            )
            count += 1
        record(
            kind=AuditEntry.TRAIL_EXPORTED,
            request=request,
            user=request.user,
            detail={"count": count, "filters": request.GET.urlencode()[:300]},
        )
        return response


@admin.register(RolePolicy)
class RolePolicyAdmin(ChiefOnlyAdmin):
    list_display = ("group", "requires_two_factor")
    list_editable = ("requires_two_factor",)
    fields = ("group", "requires_two_factor")
    readonly_fields = ("group",)
    actions = None

    def has_change_permission(self, request, obj=None):
        return _is_chief(request.user)


@admin.register(StaffAccount)
class StaffAccountAdmin(ChiefOnlyAdmin):
    """Who has enrolled, who must, and the reset of a lost device."""

    list_display = ("username", "full_name", "roles", "enrolled", "required")
    search_fields = ("username", "first_name", "last_name")
    list_filter = ("groups",)
    fields = ("username", "first_name", "last_name")
    readonly_fields = fields
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_staff=True).prefetch_related("groups")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="الاسم")
    def full_name(self, account):
        return account.get_full_name()

    @admin.display(description="الدور")
    def roles(self, account):
        return "، ".join(group.name for group in account.groups.all())

    @admin.display(description="فعّل التحقق بخطوتين", boolean=True)
    def enrolled(self, account):
        return has_device(account)

    @admin.display(description="مطلوب لدوره", boolean=True)
    def required(self, account):
        return two_factor_required(account)

    @admin.action(description="إعادة ضبط التحقق بخطوتين (جهاز مفقود)")
    def reset_two_factor(self, request, queryset):
        try:
            for account in queryset:
                two_factor_reset(account=account, by=request.user, request=request)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(
            request,
            f"أُعيد ضبط التحقق بخطوتين لـ {queryset.count()} من الحسابات: يسجّل كل منهم الدخول "
            "بكلمة المرور ثم يفعّله من جديد.",
            messages.SUCCESS,
        )
