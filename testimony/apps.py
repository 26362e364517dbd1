from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony")

    def ready(self) -> None:
        from testimony import erasure, feeds, signals, tasks  # noqa: F401 (registers the tasks)

        erasure.connect_sqlite_pragmas()
        signals.walls_changed.connect(feeds.walls_changed, dispatch_uid="untold-walls-changed")
        # After every app has migrated (the story tables of moderation included).
        post_migrate.connect(
            erasure.scatter_sqlite_rows, dispatch_uid="untold-scatter-story-rows", weak=False
        )
