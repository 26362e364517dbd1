"""The Django admin (admins only, with their TOTP code): moderator profiles and the audit log.

The audit log is read-only here as everywhere: no add, change or delete.
"""

from django.contrib import admin

from moderation.models import ModeratorProfile
from testimony.models import AuditEvent


@admin.register(ModeratorProfile)
class ModeratorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "languages", "daily_cap", "blur_text")
    search_fields = ("user__username",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("action", "actor", "day", "at", "reason", "subject", "duration")
    list_filter = ("action",)
    search_fields = ("subject", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The screening word lists have their own admin module.
from moderation import screening_admin  # noqa: E402, F401
