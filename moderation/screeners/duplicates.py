"""Near-duplicates of stories received in the last days, and campaigns of them.

MinHash (our own, on numpy) over character 5-grams of the folded text, so a Latin copy of a
Cyrillic text still matches: 64 permutations, 16 bands of 4 for candidates by an indexed
look-up. A story whose estimated similarity to another recent one reaches
SCREENING_DUPLICATE_SIMILARITY is a near-duplicate (medium: a survivor may send her story
twice). When a cluster reaches SCREENING_CAMPAIGN_SIZE stories it is a possible coordinated
campaign: the pipeline holds the whole cluster, and the moderator sees it together.
"""

import hashlib
import re
import uuid
import zlib
from datetime import timedelta
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.utils import timezone

from moderation.models import Severity
from moderation.screeners import DUPLICATES, Finding, Recorded
from moderation.screeners.text import fold

NAME = DUPLICATES
ROUTE = "hold"
STATEFUL = True  # reads other stories: the evaluation set leaves it out
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
SHINGLE = 5
CANDIDATES = 200
_NON_WORD = re.compile(r"[\W_]+")


# Multiply-shift hashing: h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32, a universal family, one
# per permutation; fixed seeds so that every process computes the same signatures.
_RANDOM = np.random.default_rng(20251125)
_A = _RANDOM.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _RANDOM.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)


@lru_cache(maxsize=4)
def signature(text: str) -> np.ndarray:
    """The MinHash of the text's character 5-grams (after folding and dropping punctuation)."""
    normal = _NON_WORD.sub(" ", fold(text).text).strip()
    shingles = {normal[i : i + SHINGLE] for i in range(max(1, len(normal) - SHINGLE + 1))}
    hashed = np.fromiter(
        (zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles)
    )
    return ((np.outer(hashed, _A) + _B) >> _SHIFT).min(axis=0)


def band_keys(values: np.ndarray) -> list[int]:
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def _from_bytes(raw) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype=np.uint64)


def _names():
    """Tables and columns of the look-up, quoted for the database (the hot path is plain SQL:
    the ORM's query building cost four times the query)."""
    from django.db import connection

    from moderation.models import SignatureBand, StorySignature
    from testimony.models import Story

    quote = connection.ops.quote_name
    return {
        "signature": quote(StorySignature._meta.db_table),
        "band": quote(SignatureBand._meta.db_table),
        "story": quote(Story._meta.db_table),
        "key": quote("key"),
    }


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _story_value(story_id, connection):
    from moderation.models import StorySignature

    return StorySignature._meta.get_field("story").get_db_prep_value(story_id, connection)


def similar_stories(values: np.ndarray, *, exclude=None) -> list[tuple]:
    """(story id, similarity, cluster, the id as stored) of recent stories near this
    signature, closest first: at most CANDIDATES stories sharing a band, received in the last
    days, in one query."""
    from django.db import connection

    keys = band_keys(values)
    since = timezone.localdate() - timedelta(days=settings.SCREENING_DUPLICATE_DAYS)
    params = [*keys, connection.ops.adapt_datefield_value(since)]
    other = ""
    if exclude is not None:
        other = "AND b.story_id <> %s"
        params.append(_story_value(exclude, connection))
    sql = (
        "SELECT s.story_id, s.minhash, s.cluster FROM {signature} s WHERE s.story_id IN ("
        "SELECT DISTINCT b.story_id FROM {band} b JOIN {story} t ON t.id = b.story_id "
        "WHERE b.{key} IN ({marks}) AND t.received_on >= %s {other} LIMIT %s)"
    ).format(**_names(), marks=_marks(len(keys)), other=other)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CANDIDATES])
        rows = cursor.fetchall()
    found = []
    for story_id, minhash, cluster in rows:
        score = similarity(values, _from_bytes(minhash))
        if score >= settings.SCREENING_DUPLICATE_SIMILARITY:
            found.append((str(uuid.UUID(str(story_id))), score, cluster, story_id))
    return sorted(found, key=lambda item: -item[1])


def _join_cluster(stored_ids: list) -> str:
    """Lock the neighbours (two workers forming one cluster at once must agree on it), choose
    their cluster (the first of theirs, or a new one) and move to it the rows not in it yet.
    `stored_ids` are the ids as the database gave them."""
    from django.db import connection

    names, marks = _names(), _marks(len(stored_ids))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT story_id, cluster FROM {names['signature']} WHERE story_id IN ({marks}){lock}",
            stored_ids,
        )
        held = cursor.fetchall()
        clusters = sorted({row_cluster for _, row_cluster in held if row_cluster})
        cluster = clusters[0] if clusters else str(uuid.uuid4())
        # Only the rows that change, and no query when none does (a campaign's members mostly
        # hold its cluster already): rewriting a whole campaign's rows with the value they hold
        # made every new member cost a write of hundreds (and bloated the table).
        joining = [story_id for story_id, row_cluster in held if row_cluster != cluster]
        if joining:
            cursor.execute(
                f"UPDATE {names['signature']} SET cluster = %s WHERE story_id IN "
                f"({_marks(len(joining))})",
                [cluster, *joining],
            )
        if len(clusters) > 1:  # two clusters met: one now
            cursor.execute(
                f"UPDATE {names['signature']} SET cluster = %s WHERE cluster IN "
                f"({_marks(len(clusters) - 1)})",
                [cluster, *clusters[1:]],
            )
    return cluster


def _keep(story_id, values: np.ndarray, cluster: str | None) -> None:
    """The story's signature and its bands, two INSERTs."""
    from django.db import connection

    from moderation.models import StorySignature, random_key

    story = _story_value(story_id, connection)
    minhash = StorySignature._meta.get_field("minhash").get_db_prep_value(
        values.tobytes(), connection
    )
    bands = sorted(set(band_keys(values)))
    names = _names()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {names['signature']} (story_id, minhash, cluster) VALUES (%s, %s, %s)",
            [story, minhash, cluster],
        )
        cursor.execute(
            f"INSERT INTO {names['band']} (id, story_id, {names['key']}) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(bands)),
            [value for key in bands for value in (random_key(), story, key)],
        )


def screen(text: str, language: str = "") -> list[Finding]:
    """Nothing here: near-duplicates are looked for in `record`, inside the pipeline's
    transaction, where the look-up and the new signature cannot miss each other."""
    return []


def record(*, story, text: str) -> Recorded:
    """Store the story's signature and put it in a cluster with its near-duplicates; when the
    cluster is large enough, it is a possible campaign, held together.

    Runs inside the pipeline's transaction.
    """
    from moderation.models import StorySignature

    values = signature(text)
    near = similar_stories(values, exclude=story.id)
    found = []
    if near:
        found.append(
            Finding(
                NAME, "near_duplicate", Severity.MEDIUM, 0, len(text),
                f"near-duplicate of {len(near)} recent stories (similarity {near[0][1]:.2f})",
            )
        )  # fmt: skip
    cluster = None
    if near:
        cluster = _join_cluster([stored for *_, stored in near])
    _keep(story.id, values, cluster)
    if cluster is None:
        return Recorded(findings=found)
    members = StorySignature.objects.filter(cluster=cluster)
    size = members.count()
    if size < settings.SCREENING_CAMPAIGN_SIZE:
        return Recorded(findings=found)
    campaign = Finding(
        NAME, "campaign", Severity.HIGH, 0, len(text),
        f"possible coordinated campaign: {size} near-identical stories",
    )  # fmt: skip
    others = members.exclude(story_id=story.id).values("story_id")  # a subquery, not a list
    return Recorded(findings=[*found, campaign], hold_with=others, hold_finding=campaign)
