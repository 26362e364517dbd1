"""Turn what a survivor typed into the plain text we store.

Markup is stripped (templates and JSON escape on output), the text is normalised to NFC,
and invisible characters are removed: control characters other than newline and tab, and
format characters (zero-width joiners, bidi overrides), which can fingerprint a writer's
device or keyboard.
"""

import html
import unicodedata

import bleach
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

_KEEP_CONTROLS = {"\n", "\t"}


def strip_invisible(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text if ch in _KEEP_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def plain_text(text: str) -> str:
    # Invisible characters go before bleach too: its HTML parser turns controls into "?".
    stripped = bleach.clean(
        strip_invisible(text), tags=[], attributes={}, strip=True, strip_comments=True
    )
    return strip_invisible(unicodedata.normalize("NFC", html.unescape(stripped))).strip()


def clean_story_text(text: str) -> str:
    """The text to store, or a ValidationError in the active language."""
    clean = plain_text(text)
    if len(clean) < settings.STORY_MIN_CHARS:
        raise ValidationError(
            ngettext_lazy(
                "Your story needs at least %(limit)d character.",
                "Your story needs at least %(limit)d characters.",
                "limit",
            )
            % {"limit": settings.STORY_MIN_CHARS},
            code="too_short",
        )
    if len(clean) > settings.STORY_MAX_CHARS:
        raise ValidationError(
            _(
                "Your story is longer than %(limit)d characters. Please shorten it a little; "
                "nothing you wrote has been sent yet."
            )
            % {"limit": settings.STORY_MAX_CHARS},
            code="too_long",
        )
    return clean
