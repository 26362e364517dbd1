from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

# Each language named in itself, on every page: she finds her own whatever the page shows now.
NATIVE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def languages(request):
    """The language switcher: the same page in each language (the language lives in the URL)."""
    path = request.path
    return {
        "language_links": [
            {
                "code": code,
                "name": NATIVE_NAMES.get(code, name),
                "url": translate_url(path, code),
                "current": code == get_language(),
            }
            for code, name in settings.LANGUAGES
        ]
    }
