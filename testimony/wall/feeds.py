"""What each installation's wall shows, and the versioned, cached rendering of it.

Every change to what a feed shows (a publication, an unpublish, a withdrawal, a policy edit,
a pause) bumps the installation's `feed_version` in the same transaction. A page of the feed
is rendered once per (version, day) and then served from the cache: a request costs one
cache read of the version, whatever the number of stories.

The day is part of the version because a story told at an installation's own kiosk joins
that installation's feed only days after it was published (see `kiosk_hold_days`).

Withdrawal erases cached renderings too (DESIGN.md invariant 6): a bump deletes every cached
page of the installation, and each process drops its copies of older versions when it sees
the new one.
"""

import base64
import binascii
import datetime
import hashlib
import json
import math
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from figures.questions import BY_KEY
from figures.selectors import release_cells, release_latest
from testimony import keys, switches
from testimony.models import Installation, LabelPolicy, Status, Story

_STATE_TTL = 300
_PAGE_TTL = 600
_MISSING = "-"


def _state_key(slug: str) -> str:
    return f"wall:v:{slug}"


def _pages_key(slug: str) -> str:
    return f"wall:pages:{slug}"


# --- Versions --------------------------------------------------------------------------------
def _forget(slugs) -> None:
    for slug in slugs:
        _local_states.pop(slug, None)
        stale = cache.get(_pages_key(slug)) or []
        cache.delete_many([*stale, _pages_key(slug), _state_key(slug)])


def feed_bump(*, installation_ids) -> None:
    """Something these installations show changed: a new version, and every cached page of
    theirs erased, now and again on commit (a render may have raced the change)."""
    ids = {int(pk) for pk in installation_ids if pk is not None}
    if not ids:
        return
    Installation.objects.filter(id__in=ids).update(feed_version=F("feed_version") + 1)
    _forget(Installation.objects.filter(id__in=ids).values_list("slug", flat=True))

    def refresh() -> None:
        rows = Installation.objects.filter(id__in=ids).values_list("slug", "id", "feed_version")
        for slug, pk, version in rows:
            _forget([slug])
            # set, not add: a reader that read the old version before this commit and
            # writes it back with add() cannot overwrite a value that is already there.
            cache.set(_state_key(slug), f"{pk}:{version}", timeout=_STATE_TTL)

    transaction.on_commit(refresh)


def feed_bump_all() -> None:
    feed_bump(installation_ids=Installation.objects.values_list("id", flat=True))


def release_made(sender, **kwargs) -> None:
    """A new statistics release: every wall that shows a statistic shows the new figures."""
    feed_bump(
        installation_ids=list(
            Installation.objects.exclude(statistic="").values_list("id", flat=True)
        )
    )


def walls_changed(sender, installation_ids=None, **kwargs) -> None:
    """testimony.signals.walls_changed: rebuild those walls' pages (None: every wall)."""
    if installation_ids is None:
        feed_bump_all()
    else:
        feed_bump(installation_ids=installation_ids)


@dataclass(frozen=True)
class FeedState:
    slug: str
    installation_id: int
    version: int
    day: datetime.date
    tag: str = ""

    @classmethod
    def of(cls, slug: str, value: str, day: datetime.date) -> "FeedState":
        pk, _, version = value.partition(":")
        return cls(slug, int(pk), int(version), day, f"{pk}.{version}.{day.toordinal()}")


# Each process remembers a feed's state for WALL_FEED_LOCAL_SECONDS (default 1 s): the hot
# path then costs no network round trip and no date arithmetic. A bump in this process
# forgets it at once; other processes follow within that second, far inside the feed's own
# max-age (and a new day within that second too).
_local_states: dict[str, tuple[float, FeedState | None]] = {}


def feed_state(slug: str) -> FeedState | None:
    """The current version of an installation's feed; None if there is no such installation."""
    now = time.monotonic()
    local = _local_states.get(slug)
    if local is not None and local[0] > now:
        return local[1]
    value = _shared_state(slug)
    state = None if value == _MISSING else FeedState.of(slug, value, timezone.localdate())
    if len(_local_states) > 1000:
        _local_states.clear()
    _local_states[slug] = (now + settings.WALL_FEED_LOCAL_SECONDS, state)
    return state


def _shared_state(slug: str) -> str:
    value = cache.get(_state_key(slug))
    if value is None:
        row = Installation.objects.filter(slug=slug).values_list("id", "feed_version").first()
        value = f"{row[0]}:{row[1]}" if row else _MISSING
        cache.add(_state_key(slug), value, timeout=_STATE_TTL if row else 60)
    return value


# --- Which stories an installation shows -----------------------------------------------------
def kiosk_hold_days() -> int:
    """Days after its publication day that a kiosk story waits to reach its own installation.

    published_on is a day, so the hold is counted in whole days from the end of that day:
    published at 23:59 on day D and shown from D + 1 + ceil(hours / 24) at 00:00 is still at
    least `hours` later. Stories told elsewhere are not held.
    """
    return 1 + math.ceil(settings.WALL_KIOSK_HOLD_HOURS / 24)


@dataclass(frozen=True)
class Cursor:
    published_on: datetime.date
    id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.published_on.isoformat()}|{self.id.hex}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        """Raises ValueError on anything that is not a cursor this module made."""
        if len(value) > 64:
            raise ValueError("cursor too long")
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            day, _, hex_id = raw.partition("|")
            return cls(datetime.date.fromisoformat(day), uuid.UUID(hex=hex_id))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("not a cursor") from exc


def visible_stories(
    installation: Installation, *, day: datetime.date, after: Cursor | None, size: int
) -> tuple[list[dict], Cursor | None]:
    """One page of the stories this installation shows, newest day first, and the next cursor.

    Within a day the order is by the random id, so it never follows submission order.
    """
    hold_until = day - datetime.timedelta(days=kiosk_hold_days())
    query = (
        Story.objects.filter(status=Status.PUBLISHED, installations=installation)
        .filter(Q(language__in=[*installation.languages, ""]))
        .exclude(Q(told_at=installation) & Q(published_on__gt=hold_until))
        .order_by("-published_on", "id")
        .values("id", "published_text", "language", "labels", "published_on")
    )
    excluded = {
        label
        for label, policy in (installation.label_policy or {}).items()
        if policy == LabelPolicy.EXCLUDE
    }
    page: list[dict] = []
    position = after
    batch = size * 2 + 1
    # The exclusion is applied here rather than in SQL (JSON containment differs per
    # database); it runs once per version, never per request.
    while True:
        rows = list(_after(query, position)[:batch])
        for row in rows:
            if not excluded.isdisjoint(row["labels"] or []):
                continue
            if len(page) == size:  # one more visible story exists: there is a next page
                last = page[-1]
                return _opened(page), Cursor(last["published_on"], last["id"])
            page.append(row)
        if len(rows) < batch:
            return _opened(page), None
        position = Cursor(rows[-1]["published_on"], rows[-1]["id"])


def _opened(page: list[dict]) -> list[dict]:
    # Decrypted here, at render, once per version: the rendering is what the cache keeps.
    keys.open_column(page, model=Story, column="published_text")
    return page


def _after(query, position: Cursor | None):
    if position is None:
        return query
    return query.filter(
        Q(published_on__lt=position.published_on)
        | Q(published_on=position.published_on, id__gt=position.id)
    )


STATISTIC_SOURCE = gettext_lazy(
    "From the optional answers of people who told their story here, %(year)s (rounded down)."
)


def _story_json(row: dict) -> dict:
    # Exactly these five fields: nothing a moderator wrote, nothing about the person.
    return {
        "id": str(row["id"]),
        "text": row["published_text"],
        "language": row["language"],
        "labels": list(row["labels"] or []),
        "published_on": row["published_on"].isoformat(),
    }


def installation_json(installation: Installation) -> dict:
    return {
        "slug": installation.slug,
        "name": installation.name,
        "languages": list(installation.languages),
        "layout": installation.layout,
        "rotation_seconds": installation.rotation_seconds,
        "helplines": dict(installation.helplines or {}),
        "statistic": statistic_json(installation),
    }


def statistic_json(installation: Installation) -> dict | None:
    """The installation's one statistic, from the latest release: the whole country's latest
    year, each published answer with its words in every language the installation shows."""
    question = BY_KEY.get(installation.statistic or "")
    release = release_latest() if question else None
    if release is None:
        return None
    years = sorted({c["period"] for c in release.cells if len(c["period"]) == 4})
    if not years:
        return None
    cells = [
        c
        for c in release_cells(
            release=release, question=question.key, region="all", period=years[-1]
        )
        if not (isinstance(c["value"], str) and c["value"].startswith("~"))
    ]
    if not cells:
        return None
    words = {}
    for code in installation.languages:
        with translation.override(code):
            words[code] = {
                "question": str(question.label),
                "answers": [str(question.label_of(c["value"])) for c in cells],
                "source": str(STATISTIC_SOURCE) % {"year": years[-1]},
            }
    return {
        "question": question.key,
        "period": years[-1],
        "released_on": release.released_on.isoformat(),
        "counts": [c["count"] for c in cells],
        "words": words,
    }


def render_page(state: FeedState, after: Cursor | None) -> bytes:
    installation = Installation.objects.get(id=state.installation_id)
    paused = switches.walls_paused()
    if paused:
        rows, following = [], None
    else:
        rows, following = visible_stories(
            installation, day=state.day, after=after, size=settings.WALL_FEED_PAGE_SIZE
        )
    labels = {label for row in rows for label in row["labels"] or []}
    body = {
        "installation": installation_json(installation),
        "paused": paused,
        "warn_labels": sorted(
            label for label in labels if installation.policy_for(label) == LabelPolicy.WARN
        ),
        "stories": [_story_json(row) for row in rows],
        "next": following.encode() if following else None,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


# --- The cache: Redis (shared) and a small copy in each process ------------------------------
@dataclass(frozen=True)
class Rendered:
    etag: str
    body: bytes


class _Memo:
    """The last few rendered pages in this process (oldest out first), dropped when their
    version is superseded or when they outlive the shared cache's copies."""

    def __init__(self, size: int = 256):
        self.size = size
        self.items: OrderedDict[tuple, tuple[float, Rendered]] = OrderedDict()
        self.latest: dict[str, str] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Rendered | None:
        slug, tag = key[0], key[1]
        if self.latest.get(slug) != tag:  # a new version: older copies of this feed go
            with self.lock:
                self.latest[slug] = tag
                for old in [k for k in self.items if k[0] == slug and k[1] != tag]:
                    del self.items[old]
        found = self.items.get(key)  # the hot path: one dict lookup, no lock
        if found is None:
            return None
        if time.monotonic() - found[0] > _PAGE_TTL:
            with self.lock:
                self.items.pop(key, None)
            return None
        return found[1]

    def put(self, key: tuple, rendered: Rendered) -> None:
        now = time.monotonic()
        with self.lock:
            # Oldest first: drop what has outlived the cache's own copies, then the overflow.
            while self.items and now - next(iter(self.items.values()))[0] > _PAGE_TTL:
                self.items.popitem(last=False)
            self.items[key] = (now, rendered)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.latest.clear()
            _local_states.clear()


memo = _Memo()


def feed_page(state: FeedState, cursor: str = "") -> Rendered:
    """The rendered page for this version: from this process, else the cache, else rendered."""
    after = Cursor.decode(cursor) if cursor else None  # ValueError before any lookup
    key = (state.slug, state.tag, cursor)
    found = memo.get(key)
    if found is not None:
        return found
    cache_key = f"wall:feed:{state.slug}:{state.tag}:{cursor}"
    stored = cache.get(cache_key)
    if stored is not None:
        found = Rendered(*stored)
    else:
        body = render_page(state, after)
        etag = f'"{state.tag}.{hashlib.sha256(body).hexdigest()[:16]}"'
        found = Rendered(etag, body)
        cache.set(cache_key, (etag, body), timeout=_PAGE_TTL)
        pages = cache.get(_pages_key(state.slug)) or []
        cache.set(_pages_key(state.slug), [*pages[-500:], cache_key], timeout=_PAGE_TTL)
    memo.put(key, found)
    return found


def public_installations() -> list[dict]:
    return [
        {"slug": i.slug, "name": i.name, "languages": list(i.languages)}
        for i in Installation.objects.filter(on_web=True).order_by("name")
    ]
