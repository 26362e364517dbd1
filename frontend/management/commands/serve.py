"""`manage.py serve`: what `make run` ends with. gunicorn, never Django's development server.

One gunicorn worker process with threads: the embedded mode keeps its cache (rate limits, feed
renderings, failed logins) in that process's memory, and runs the periodic jobs (screening
sweep, publication, retention) in a thread of the same worker, started after the fork. Ctrl-C
stops the server, its worker and the jobs' thread.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from gunicorn.app.base import BaseApplication

from config import embedded
from config import gunicorn as production


def _start_periodic_jobs(worker) -> None:
    embedded.start()


class EmbeddedServer(BaseApplication):
    """config/gunicorn.py's settings (logs without addresses), on 127.0.0.1, one process."""

    def __init__(self, port: str):
        self.port = port
        super().__init__()

    def load_config(self):
        for name, value in vars(production).items():
            if name in self.cfg.settings and value is not None:
                self.cfg.set(name, value)
        self.cfg.set("bind", f"127.0.0.1:{self.port}")
        self.cfg.set("workers", 1)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.cfg.set("post_worker_init", _start_periodic_jobs)

    def load(self):
        from config.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Untold with gunicorn in one process: the pages, and the periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, port, **options):
        base = f"http://127.0.0.1:{port}"
        slug = settings.DEMO_INSTALLATION_SLUG
        self.stdout.write(
            "\nUntold is running (Ctrl-C stops it).\n"
            f"  Tell a story:        {base}/en/tell/   ({base}/kk/tell/, {base}/ru/tell/)\n"
            f"  Moderator workspace: {base}/moderate/\n"
            f"  The wall:            {base}/wall/{slug}/\n"
            f"  API schema:          {base}/api/v1/schema/\n"
        )
        self.stdout.flush()
        connections.close_all()  # nothing opened here may be shared with the forked worker
        EmbeddedServer(port).run()
