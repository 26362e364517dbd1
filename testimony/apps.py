from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony")

    def ready(self) -> None:
        from testimony import erasure, tasks  # noqa: F401 - registers testimony's Celery tasks

        erasure.connect_sqlite_pragmas()
