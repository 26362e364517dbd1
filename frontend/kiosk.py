"""`/kiosk/`: the tell page of an installation's touch screen.

The page is a shell: it holds no story and no device secret. Its script reads the device
token (put in this browser's storage once, with a setup code from the admin), sends it in
the X-Kiosk-Device header, and keeps the story in memory only until it is sent or abandoned.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from figures.questions import QUESTIONS
from frontend.forms import StoryForm
from frontend.wall import _knob

LANGS = [code for code, _name in settings.LANGUAGES]
# Each language named in itself: she finds her own whatever the screen shows now.
NATIVE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@require_GET
def kiosk(request):
    lang = request.GET.get("lang", "kk")
    if lang not in LANGS:
        lang = "kk"
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    config = {
        "idle": _knob(request, "idle", settings.KIOSK_IDLE_SECONDS, 1, 3600),
        "countdown": _knob(request, "countdown", settings.KIOSK_COUNTDOWN_SECONDS, 1, 600),
        "lang": lang,
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
            "languages": [
                {"code": code, "name": name, "current": code == lang}
                for code, name in NATIVE_NAMES.items()
            ],
        },
    )
