"""Admin for installations, kiosk devices and the pause switches. Writes go through services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from testimony.models import Installation, KioskDevice, Switches
from testimony.switches import switches_set
from testimony.wall import kiosk
from testimony.wall.installations import installation_save


@admin.register(Installation)
class InstallationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "layout", "on_web")
    prepopulated_fields = {"slug": ("name",)}
    fields = (
        "name",
        "slug",
        "languages",
        "rotation_seconds",
        "layout",
        "label_policy",
        "helplines",
        "on_web",
        "statistic",
    )

    def save_model(self, request, obj, form, change):
        installation_save(installation=obj)  # bumps the feed: screens follow the new policy


@admin.register(KioskDevice)
class KioskDeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "installation", "registered_on", "revoked")
    list_filter = ("installation", "revoked")
    fields = ("installation", "name", "registered_on", "revoked")
    readonly_fields = ("registered_on", "revoked")
    actions = ("new_setup_code", "revoke")

    def _show_code(self, request, device) -> None:
        code = kiosk.kiosk_setup_code_issue(device=device)
        self.message_user(
            request,
            _(
                "Setup code for %(device)s: %(code)s. Enter it on the kiosk at /kiosk/ within "
                "the hour. It works once and is not shown again."
            )
            % {"device": device, "code": code},
            messages.WARNING,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._show_code(request, obj)

    @admin.action(description=_("Issue a new setup code (the old token stops on registration)"))
    def new_setup_code(self, request, queryset):
        for device in queryset.filter(revoked=False):
            self._show_code(request, device)

    @admin.action(description=_("Revoke: the kiosk stops taking stories at once"))
    def revoke(self, request, queryset):
        for device in queryset:
            kiosk.kiosk_revoke(device=device)


@admin.register(Switches)
class SwitchesAdmin(admin.ModelAdmin):
    list_display = ("__str__", "walls_paused", "intake_paused")

    def has_add_permission(self, request):
        return not Switches.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        switches_set(
            actor=request.user, walls_paused=obj.walls_paused, intake_paused=obj.intake_paused
        )
