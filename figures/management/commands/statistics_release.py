from django.core.management.base import BaseCommand
from django.utils import timezone

from figures.services import release_make


class Command(BaseCommand):
    help = "Make a statistics release now (move counted answers, suppress, round, publish)."

    def handle(self, *args, **options):
        release = release_make(today=timezone.localdate())
        self.stdout.write(
            f"release {release.number} of {release.released_on}: {len(release.cells)} cells"
        )
