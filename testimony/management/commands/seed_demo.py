from django.conf import settings
from django.core.management.base import BaseCommand

from testimony.models import Installation

# Sensible defaults for a screen in a public hall. Check the helplines before any real use.
DEMO = {
    "name": "Untold demo",
    "languages": ["kk", "ru", "en"],
    "rotation_seconds": 14,
    "layout": "single",
    # A hall that children walk through: no sexual violence on screen, the rest behind a card.
    "label_policy": {
        "sexual-violence": "exclude",
        "violence-against-children": "warn",
        "self-harm": "warn",
        "physical-violence": "show",
    },
    "helplines": {
        "kk": "Төтенше жағдайда: 112. Полиция: 102. Сенім телефоны: 150 (тегін, тәулік бойы).",
        "ru": "В экстренной ситуации: 112. Полиция: 102. Телефон доверия: 150 "
        "(бесплатно, круглосуточно).",
        "en": "In an emergency: 112. Police: 102. Helpline: 150 (free, day and night).",
    },
    "on_web": True,
}


class Command(BaseCommand):
    help = "Create the demo installation (slug 'demo') with sensible defaults. Safe to run again."

    def handle(self, *args, **options):
        installation, created = Installation.objects.get_or_create(
            slug=settings.DEMO_INSTALLATION_SLUG, defaults=DEMO
        )
        if not created and not installation.helplines:
            # An older demo row (name and slug only) gets the defaults once.
            for field, value in DEMO.items():
                setattr(installation, field, value)
            installation.save()
        self.stdout.write("demo installation " + ("created" if created else "already there"))
