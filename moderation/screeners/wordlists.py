"""The words admins add in the Django admin, on top of the shipped lists.

Each worker process keeps them compiled and asks the cache for their version at most every
SCREENING_WORDS_CHECK_SECONDS (default 30): a save or delete in the admin bumps the version,
so every worker uses the change within a minute, without a deploy.
"""

import logging
import re
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from moderation.screeners.text import Folded, compile_pattern

log = logging.getLogger(__name__)
VERSION_KEY = "screening-words-version"
# Every cache entry lives at most a day (so the cache never holds anything for long); when the
# key expires, workers simply see a new version and reload the words once.
VERSION_TTL = 86400


@dataclass(frozen=True)
class Entry:
    kind: str
    list: str
    pattern: str
    regex: re.Pattern


class _State:
    version: str | None = None
    checked_at: float = float("-inf")
    entries: tuple[Entry, ...] = ()
    enabled: bool = True


_state = _State()


def bump_version() -> None:
    """Called when an admin changes a word: every worker reloads at its next check."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=VERSION_TTL)


def _load() -> tuple[Entry, ...]:
    from moderation.models import ScreeningWord

    entries = []
    for word in ScreeningWord.objects.filter(active=True).order_by("pk"):
        try:
            regex = re.compile(compile_pattern(word.pattern))
        except (re.error, ValueError):
            log.warning("screening word %s has a pattern that does not compile", word.pk)
            continue
        entries.append(Entry(word.kind, word.list, word.pattern, regex))
    return tuple(entries)


def current() -> tuple[Entry, ...]:
    if not _state.enabled:
        return ()
    now = time.monotonic()
    if now - _state.checked_at < settings.SCREENING_WORDS_CHECK_SECONDS:
        return _state.entries
    try:
        version = cache.get(VERSION_KEY)
    except Exception:
        # The cache is down: keep the words we have (at most a minute old) and look again.
        log.warning("screening words: cache unreachable, keeping the loaded words")
        return _state.entries
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=VERSION_TTL)
        version = cache.get(VERSION_KEY) or version
    if version != _state.version or _state.checked_at == float("-inf"):
        _state.entries = _load()
        _state.version = version
    _state.checked_at = now
    return _state.entries


def find(folded: Folded, kind: str) -> list[tuple[str, int, int]]:
    """(`<list>: <pattern>`, start, end) for each admin word of this kind in the text."""
    hits = []
    for entry in current():
        if entry.kind != kind:
            continue
        for match in entry.regex.finditer(folded.text):
            start, end = folded.source(*match.span())
            hits.append((f"{entry.list}: {entry.pattern}", start, end))
    return hits


def set_enabled(enabled: bool) -> None:
    """Off for `make eval`, which measures the shipped lists alone."""
    _state.enabled = enabled
    _state.checked_at = float("-inf")
