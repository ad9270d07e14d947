from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from articles.roles import EDITOR_IN_CHIEF

from .models import AuditEntry, RolePolicy, StaffAccount
from .two_factor import has_device, two_factor_required, two_factor_reset


def _is_chief(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=EDITOR_IN_CHIEF).exists()
    )


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


@admin.register(AuditEntry)
class AuditEntryAdmin(ChiefOnlyAdmin):
    list_display = ("at", "action", "username", "address")
    list_filter = ("action", "at")
    search_fields = ("username", "address")
    date_hierarchy = "at"
    readonly_fields = ("at", "action", "actor", "username", "address", "detail")
    actions = None

    # Only the editor-in-chief reads the trail; nobody edits it either.
    def has_change_permission(self, request, obj=None):
        return False


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
