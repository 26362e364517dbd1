from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender, **kwargs) -> None:
    from moderation.roles import ensure_groups

    ensure_groups()


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from django.contrib import admin

        from moderation import operations, receivers, tasks, trail  # noqa: F401  (the tasks)
        from moderation.admin_site import StaffAdminSite, delete_selected

        receivers.connect()
        operations.connect()
        trail.connect()
        # The roles are groups of this app's permissions; refreshed after every migrate.
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="moderation-roles")
        # The Django admin needs the TOTP code too, given at the workspace's one login.
        admin.site.__class__ = StaffAdminSite
        admin.site.add_action(delete_selected, "delete_selected")
