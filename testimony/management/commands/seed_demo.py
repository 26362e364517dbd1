from django.conf import settings
from django.core.management.base import BaseCommand

from testimony.models import Installation

# What earlier versions seeded (150, the children's helpline): replaced by the current text.
OLD_HELPLINES = {
    "kk": "Төтенше жағдайда: 112. Полиция: 102. Сенім телефоны: 150 (тегін, тәулік бойы).",
    "ru": "В экстренной ситуации: 112. Полиция: 102. Телефон доверия: 150 "
    "(бесплатно, круглосуточно).",
    "en": "In an emergency: 112. Police: 102. Helpline: 150 (free, day and night).",
}

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
    # 111 (families, women and children) is the adults' helpline; 150 is for children.
    "helplines": {
        "kk": "Төтенше жағдайда: 112. Полиция: 102. Отбасыларға, әйелдер мен балаларға көмек: "
        "111 (тегін, тәулік бойы).",
        "ru": "В экстренной ситуации: 112. Полиция: 102. Помощь семьям, женщинам и детям: 111 "
        "(бесплатно, круглосуточно).",
        "en": "In an emergency: 112. Police: 102. Help for families, women and children: 111 "
        "(free, day and night).",
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
        elif installation.helplines == OLD_HELPLINES:
            installation.helplines = DEMO["helplines"]
            installation.save(update_fields=["helplines"])
        self.stdout.write("demo installation " + ("created" if created else "already there"))
