from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def languages(request):
    """The language switcher: the same page in each language (the language lives in the URL)."""
    path = request.path
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == get_language(),
            }
            for code, name in settings.LANGUAGES
        ]
    }
