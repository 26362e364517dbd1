"""`/kiosk/`: the tell page of an installation's touch screen.

The page is a shell: it holds no story and no device secret. Its script reads the device
token (put in this browser's storage once, with a setup code from the admin), sends it in
the X-Kiosk-Device header, and keeps the story in memory only until it is sent or abandoned.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from figures.questions import QUESTIONS
from frontend import wording
from frontend.context import NATIVE_NAMES
from frontend.forms import StoryForm
from frontend.wall import _knob

LANGS = [code for code, _name in settings.LANGUAGES]


@require_GET
def kiosk(request):
    lang = request.GET.get("lang", "kk")
    if lang not in LANGS:
        lang = "kk"
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    countdown = _knob(request, "countdown", settings.KIOSK_COUNTDOWN_SECONDS, 1, 600)
    config = {
        "idle": _knob(request, "idle", settings.KIOSK_IDLE_SECONDS, 1, 3600),
        "countdown": countdown,
        "lang": lang,
        # Whole sentences, one per second shown, so each language has its plural forms.
        "countdown_words": wording.kiosk_countdown(countdown),
        # The on-screen keyboard's keys, named for a screen reader in her language.
        "keys": {
            "shift": gettext("Shift"),
            "space": gettext("Space"),
            "backspace": gettext("Delete the last letter"),
            "enter": gettext("New line"),
            "kk": gettext("Kazakh letters"),
            "ru": gettext("Russian letters"),
            "en": gettext("English letters"),
            "sym": gettext("Digits and signs"),
        },
    }
    form = StoryForm()
    return render(
        request,
        "kiosk/kiosk.html",
        {
            "config": config,
            "form": form,
            "questions": [form[question.key] for question in QUESTIONS],
            "kiosk": True,  # the questions' link to the numbers page is not shown here
            "lang": lang,
            "wall_delay": wording.wall_delay(),
            "hall_delay": wording.kiosk_hall_delay(),
            "languages": [
                {"code": code, "name": name, "current": code == lang}
                for code, name in NATIVE_NAMES.items()
            ],
        },
    )
