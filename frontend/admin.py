from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from testimony.help import help_resources_verify
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
        "verified_on",
    )
    list_filter = ("verified", "active", "language", "kind", "emergency", "region")
    search_fields = ("name", "phone", "description")
    list_editable = ("active", "verified")
    readonly_fields = ("verified_on",)
    ordering = ("language", "-emergency", "order", "name")
    actions = ["mark_verified"]

    @admin.action(description=_("Mark as verified (I called and checked every detail)"))
    def mark_verified(self, request, queryset):
        help_resources_verify(resources=queryset)

    def save_model(self, request, obj, form, change):
        # Ticking "verified" is a check made today; unticking it forgets the old one.
        if "verified" in form.changed_data:
            obj.verified_on = timezone.localdate() if obj.verified else None
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        for resource in HelpResource.objects.filter(active=True, verified=False):
            messages.warning(request, _unverified_warning(resource))
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        resource = self.get_object(request, object_id)
        if request.method == "GET" and resource is not None and not resource.verified:
            messages.warning(request, _unverified_warning(resource))
        return super().change_view(request, object_id, form_url, extra_context)


def _unverified_warning(resource: HelpResource) -> str:
    return gettext(
        "“%(name)s” (%(contact)s) is not verified, so survivors do not see it. Call it, check "
        "every detail, then mark it verified."
    ) % {"name": resource.name, "contact": resource.phone or resource.url}
