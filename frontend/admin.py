from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from testimony.models import HelpResource


@admin.register(HelpResource)
class HelpResourceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "phone",
        "kind",
        "region",
        "language",
        "emergency",
        "active",
        "verified",
    )
    list_filter = ("verified", "active", "language", "kind", "emergency", "region")
    search_fields = ("name", "phone", "description")
    list_editable = ("active", "verified")
    ordering = ("language", "-emergency", "order", "name")
    actions = ["mark_verified"]

    @admin.action(description=_("Mark as verified (I called and checked every detail)"))
    def mark_verified(self, request, queryset):
        queryset.update(verified=True)
