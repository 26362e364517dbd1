"""The screener registry. A screener is one module with one function:

    screen(text: str, language: str) -> list[Finding]

Adding one is a module here and a line in SCREENERS; the pipeline never names a screener.
A module may also declare:

- `ROUTE = "hold"`: its high-severity findings hold the story (spam, abuse);
  `ROUTE = "urgent"`: any finding of it makes the story urgent (danger);
- `STATEFUL = True`: it reads other stories (left out of the evaluation set);
- `record(*, story, text) -> Recorded`: called inside the pipeline's transaction once the story
  is screened, to keep what the screener needs later (near-duplicate signatures).
"""

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import import_module

# One BLAS thread per process: a worker runs a process per core, and BLAS threads fighting
# over busy cores made natasha's NER seven times slower. Set before numpy loads; the NER's
# loader also limits an already loaded BLAS (threadpoolctl).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from moderation.models import Severity  # noqa: E402  (after the BLAS settings)

# The names findings carry (Finding.screener): whoever must tell one screener's findings from
# another's (the workspace's redaction suggestions, the second review) names them from here.
LANGUAGE = "language"
PII = "pii"
DANGER = "danger"
ABUSE = "abuse"
SPAM = "spam"
DUPLICATES = "duplicates"

# Language runs first: the others receive its answer.
LANGUAGE_SCREENER = "moderation.screeners.language"
SCREENERS: list[str] = [
    "moderation.screeners.pii",
    "moderation.screeners.danger",
    "moderation.screeners.abuse",
    "moderation.screeners.spam",
    "moderation.screeners.duplicates",
]


@dataclass(frozen=True)
class Finding:
    screener: str
    kind: str
    severity: Severity
    # Offsets in Unicode code points (Python string indices) into the story's text.
    start: int
    end: int
    # The rule or list entry that matched, never the matched text.
    detail: str = ""
    # Parts of the span that weighed most (the learned layer's words), as (start, end) offsets.
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Recorded:
    """What a screener's `record` adds: findings for this story, and other stories that must
    be held with it (each with the finding that explains why). `hold_with` is story ids, or a
    query of them (`.values("story_id")`): a campaign of thousands is then one subquery."""

    findings: list[Finding] = field(default_factory=list)
    hold_with: Iterable = field(default_factory=list)
    hold_finding: Finding | None = None


def module(path: str):
    return import_module(path)


def load(path: str):
    return import_module(path).screen


def screener_name(path: str) -> str:
    return getattr(module(path), "NAME", path.rsplit(".", 1)[-1])


def routed(route: str) -> set[str]:
    """Names of the screeners whose findings route a story this way ("hold" or "urgent")."""
    return {screener_name(p) for p in SCREENERS if getattr(module(p), "ROUTE", "") == route}


def danger_found(text: str, language: str) -> bool:
    """Do these words speak of danger (any finding of an urgent screener, possible danger
    too)? For a page that must answer at once, the survivor's confirmation, without the
    pipeline."""
    return any(
        load(path)(text, language)
        for path in SCREENERS
        if getattr(module(path), "ROUTE", "") == "urgent"
    )


def warm_up() -> None:
    """Load every model and list once, in the worker's parent process before it forks (the
    children share the pages), or at the first story in the embedded mode.

    It touches neither the database nor the cache: a connection opened before the fork would
    be shared by every child.
    """
    from moderation.screeners import names, wordlists

    for path in [LANGUAGE_SCREENER, *SCREENERS]:
        module(path)
    names.warm_up()
    load(LANGUAGE_SCREENER)("Warm-up text in English, на русском, және қазақша.", "")
    wordlists.set_enabled(False)
    try:
        for path in SCREENERS:
            if not getattr(module(path), "STATEFUL", False):
                load(path)("Warm-up: он сказал, что убьёт меня. Call +7 701 000 0000.", "")
    finally:
        wordlists.set_enabled(True)
