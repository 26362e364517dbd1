import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config import embedded


class Command(BaseCommand):
    help = "Serve Untold in one process: the web pages, and the periodic jobs in a thread."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, port, **options):
        base = f"http://127.0.0.1:{port}"
        slug = settings.DEMO_INSTALLATION_SLUG
        self.stdout.write(
            "\nUntold is running.\n"
            f"  Tell a story:        {base}/en/tell/   ({base}/kk/tell/, {base}/ru/tell/)\n"
            f"  Moderator workspace: {base}/moderate/\n"
            f"  The wall:            {base}/wall/{slug}/\n"
            f"  API schema:          {base}/api/v1/schema/\n"
        )
        if settings.CELERY_TASK_ALWAYS_EAGER:
            embedded.start()
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
