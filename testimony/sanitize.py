"""Turn what a survivor typed into the plain text we store: what she typed, minus markup.

The text is cleaned once, by the intake service (testimony.intake); the form, the API and the
kiosk pass her text on untouched. Markup is stripped until none is left; everything else stays
as she typed it: a "<" that starts no tag, an "&", and an entity she wrote as text ("&lt;"
stays "&lt;"). The result is plain text: every display escapes it (templates and JSON do).
The text is normalised to NFC, and invisible characters are removed: control characters other than
newline and tab, format characters (zero-width joiners, bidi overrides), which can
fingerprint a writer's device or keyboard, and lone surrogates, which are no text at all.
"""

import re
import unicodedata

import bleach
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Every code point of the categories Cc, Cf and Cs except newline and tab, as ranges, in the
# Unicode version of Python 3.11's unicodedata (14.0.0): one regular expression removes them all
# in C instead of a Python test per character. tests/testimony/test_sanitize.py checks the
# table against unicodedata, so a Python with another Unicode version fails it, not a survivor.
INVISIBLE_RANGES = (
    (0x0000, 0x0008), (0x000B, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD),
    (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xD800, 0xDFFF),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)  # fmt: skip
_INVISIBLE = re.compile(
    "[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in INVISIBLE_RANGES) + "]"
)
# Combining marks stacked on one letter: no language needs more than a few (Vietnamese stacks
# two), a run of hundreds ("Zalgo" text) only hides the words under it or pads a story out.
# Each run of the combining blocks is cut to MAX_MARKS.
MAX_MARKS = 4
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARK_RUN = re.compile(f"([{_MARKS}]{{{MAX_MARKS}}})[{_MARKS}]+")
# The only entities in bleach's output once every "&" she typed was escaped: its own escapes.
_BLEACH_ESCAPES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}
_UNDO_ESCAPES = re.compile("|".join(re.escape(entity) for entity in _BLEACH_ESCAPES))
# What a tag looks like. Bleach leaves some as text where its parser reads them as part of a
# comment (after "</<"); a display that forgot to escape might not, so they go too.
_TAG_LIKE = re.compile(r"<(?:/?[A-Za-z][^<>]*|[!?][^<>]*)>")
# Each pass strips the markup that the previous one uncovered (a tag inside a broken tag, or
# inside <title>); a text still changing after this many passes is built to hide markup.
MAX_PASSES = 8
# How much longer than STORY_MAX_CHARS a text may be before cleaning (markup and spaces).
RAW_ALLOWANCE = 4


def strip_invisible(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text)


def _strip_markup(text: str) -> str:
    # Her "&" become "&amp;" first, so bleach reads her entities as text; undoing its escapes
    # in one pass then gives back exactly what she typed, less the tags and comments.
    stripped = bleach.clean(
        text.replace("&", "&amp;"), tags=[], attributes={}, strip=True, strip_comments=True
    )
    text = _UNDO_ESCAPES.sub(lambda found: _BLEACH_ESCAPES[found.group()], stripped)
    return _TAG_LIKE.sub("", text)


def _one_pass(text: str) -> str:
    # Invisible characters go before bleach too: its HTML parser turns controls into "?".
    text = strip_invisible(text)
    if "<" in text:  # without a "<" there is no markup: bleach would give the text back
        text = _strip_markup(text)
    text = strip_invisible(unicodedata.normalize("NFC", text))
    return _MARK_RUN.sub(r"\1", text).strip()


def _settled(text: str) -> bool:
    """Whether another pass would give the text back unchanged, known without making it: no
    "<" (so no markup), nothing invisible, NFC already, nothing to strip at either end."""
    return (
        "<" not in text
        and _INVISIBLE.search(text) is None
        and _MARK_RUN.search(text) is None
        and unicodedata.is_normalized("NFC", text)
        and text == text.strip()
    )


def plain_text(text: str) -> str:
    """What she typed minus markup: a fixed point, so plain_text(plain_text(x)) == plain_text(x)."""
    for _pass in range(MAX_PASSES):
        cleaner = _one_pass(text)
        if cleaner == text or _settled(cleaner):
            return cleaner
        text = cleaner
    # Markup nested to outlast every pass: without a "<" no tag can remain.
    return _one_pass(text.replace("<", ""))


def _cleaned(text: str) -> str:
    # Cleaning costs time in proportion to the length: a text many times longer than a story
    # may be is too long whatever markup it holds, and is not cleaned at all.
    if len(text) > settings.STORY_MAX_CHARS * RAW_ALLOWANCE:
        _check_length(text)
    return plain_text(text)


def _check_length(clean: str) -> None:
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


class CleanText(str):
    """A text clean_story_text made: what intake hands to story_submit, so it is cleaned once."""


def clean_story_text(text: str) -> CleanText:
    """The text to store, or a ValidationError in the active language (too short, too long).
    Intake calls it once; a text it already cleaned passes through as it is."""
    if isinstance(text, CleanText):
        return text
    clean = _cleaned(text)
    _check_length(clean)
    return CleanText(clean)
