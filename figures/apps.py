from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = "Figures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from figures import storage, tasks  # noqa: F401 (registers the tasks)

        post_migrate.connect(
            storage.scatter_sqlite_rows, dispatch_uid="untold-scatter-answer-rows", weak=False
        )
