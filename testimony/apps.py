from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony")

    def ready(self) -> None:
        from testimony import erasure, tasks  # noqa: F401 - registers testimony's Celery tasks

        erasure.connect_sqlite_pragmas()
        # After every app has migrated (the story tables of moderation included).
        post_migrate.connect(
            erasure.scatter_sqlite_rows, dispatch_uid="untold-scatter-story-rows", weak=False
        )
