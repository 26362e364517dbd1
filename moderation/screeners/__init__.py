"""The screener registry. A screener is one module with one function:

    screen(text: str, language: str) -> list[Finding]

Adding one is a module here and a line in SCREENERS; the pipeline never names a screener.
"""

from dataclasses import dataclass
from importlib import import_module

from moderation.models import Severity

# Language runs first: the others receive its answer.
LANGUAGE = "moderation.screeners.language"
SCREENERS: list[str] = []


@dataclass(frozen=True)
class Finding:
    screener: str
    kind: str
    severity: Severity
    start: int
    end: int
    detail: str = ""


def load(path: str):
    return import_module(path).screen
