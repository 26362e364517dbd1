"""The Django admin of the screening lists (moderation/admin.py imports it)."""

from django.contrib import admin

from moderation.models import ScreeningWord


@admin.register(ScreeningWord)
class ScreeningWordAdmin(admin.ModelAdmin):
    list_display = ("pattern", "kind", "list", "language", "active", "note")
    list_filter = ("kind", "list", "language", "active")
    search_fields = ("pattern", "note")
