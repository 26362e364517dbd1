from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony")

    def ready(self) -> None:
        from testimony import erasure, keys, signals, tasks  # noqa: F401 (registers the tasks)

        # The app's wiring: the wall's tasks and admin pages, and its feeds' listener.
        from testimony.wall import admin, feeds  # noqa: F401
        from testimony.wall import tasks as wall_tasks  # noqa: F401

        erasure.connect_sqlite_pragmas()
        keys.connect()  # a new story's data key is stored with it
        signals.walls_changed.connect(feeds.walls_changed, dispatch_uid="untold-walls-changed")
        from figures.signals import release_made

        release_made.connect(feeds.release_made, dispatch_uid="untold-walls-statistic")
        # After every app has migrated (the story tables of moderation included).
        post_migrate.connect(
            erasure.scatter_sqlite_rows, dispatch_uid="untold-scatter-story-rows", weak=False
        )
