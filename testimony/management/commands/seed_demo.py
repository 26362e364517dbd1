from django.conf import settings
from django.core.management.base import BaseCommand

from testimony.models import Installation


class Command(BaseCommand):
    help = "Create the demo installation (slug 'demo'). Safe to run again."

    def handle(self, *args, **options):
        _, created = Installation.objects.get_or_create(
            slug=settings.DEMO_INSTALLATION_SLUG, defaults={"name": "Untold demo"}
        )
        self.stdout.write("demo installation " + ("created" if created else "already there"))
