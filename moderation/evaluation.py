"""Recall and precision of the screeners on the labelled set in tests/data/ (`make eval`).

A finding counts as a hit when it overlaps a labelled span of the same kind; the danger
screener's findings all count as kind `danger`. The format is in tests/data/README.md.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

MARK = re.compile(r"\{([a-z_]+):([^{}]+)\}")
HEADER = re.compile(r"^=== (\S+)((?: \w+=\S+)*)\s*$")
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


@dataclass(frozen=True)
class Label:
    kind: str
    start: int
    end: int


@dataclass
class Case:
    id: str
    attrs: dict[str, str]
    text: str = ""
    labels: list[Label] = field(default_factory=list)


def _unmark(marked: str) -> tuple[str, list[Label]]:
    out, labels, pos = [], [], 0
    length = 0
    for match in MARK.finditer(marked):
        before = marked[pos : match.start()]
        out.append(before)
        length += len(before)
        kind, span = match.group(1), match.group(2)
        labels.append(Label(kind, length, length + len(span)))
        out.append(span)
        length += len(span)
        pos = match.end()
    out.append(marked[pos:])
    return "".join(out), labels


def load_cases(paths: list[Path] | None = None) -> list[Case]:
    cases: list[Case] = []
    lines: list[str] = []

    def close() -> None:
        if cases:
            cases[-1].text, cases[-1].labels = _unmark("\n".join(lines).strip())

    for path in paths or sorted(DATA.glob("screening_eval_*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            header = HEADER.match(raw)
            if header:
                close()
                lines = []
                attrs = dict(pair.split("=", 1) for pair in header.group(2).split())
                cases.append(Case(id=header.group(1), attrs=attrs))
            elif cases:
                lines.append(raw.rstrip())
        close()
        lines = []
    return cases
