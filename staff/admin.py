from django.contrib import admin

from articles.roles import EDITOR_IN_CHIEF

from .models import AuditEntry


def _is_chief(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=EDITOR_IN_CHIEF).exists()
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "username", "address")
    list_filter = ("action", "at")
    search_fields = ("username", "address")
    date_hierarchy = "at"
    readonly_fields = ("at", "action", "actor", "username", "address", "detail")
    actions = None

    # Only the editor-in-chief reads the trail; nobody adds, edits or deletes through the admin.
    def has_module_permission(self, request):
        return _is_chief(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_chief(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
