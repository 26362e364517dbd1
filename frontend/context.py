from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

# Each language named in itself, on every page: she finds her own whatever the page shows now.
NATIVE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def language_links(url) -> list[dict]:
    """Each language named in itself, with `url(code)` for its address."""
    return [
        {
            "code": code,
            "name": NATIVE_NAMES.get(code, name),
            "url": url(code),
            "current": code == get_language(),
        }
        for code, name in settings.LANGUAGES
    ]


def languages(request):
    """The language switcher: the same page in each language (the language lives in the URL)."""
    path = request.path
    return {"language_links": language_links(lambda code: translate_url(path, code))}
