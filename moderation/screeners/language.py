"""The story's language: kk, ru, en, or mixed when no one of them carries the text."""

from functools import cache

from lingua import Language, LanguageDetectorBuilder

from moderation.models import Severity
from moderation.screeners import LANGUAGE, Finding

_CODES = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
# A second language that carries at least this share of the letters makes the story mixed.
MIXED_SHARE = 0.25


@cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*_CODES).with_preloaded_language_models().build()


def detect(text: str) -> str:
    letters: dict[str, int] = {}
    for part in _detector().detect_multiple_languages_of(text):
        letters[_CODES[part.language]] = (
            letters.get(_CODES[part.language], 0) + part.end_index - part.start_index
        )
    if not letters:
        return ""
    total = sum(letters.values())
    ranked = sorted(letters.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[1][1] / total >= MIXED_SHARE:
        return "mixed"
    return ranked[0][0]


def screen(text: str, language: str = "") -> list[Finding]:
    found = detect(text)
    if not found:
        return []
    return [Finding(LANGUAGE, found, Severity.INFO, 0, len(text), detail=f"language: {found}")]
