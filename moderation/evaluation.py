"""Recall and precision of the screeners on the labelled set in tests/data/ (`make eval`).

A finding counts as a hit when it overlaps a labelled span of the same kind; the danger
screener's findings all count as kind `danger`. The format is in tests/data/README.md.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from moderation import screeners

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
        in_case = False
        for raw in path.read_text(encoding="utf-8").splitlines():
            header = HEADER.match(raw)
            if header:
                if in_case:
                    close()
                lines = []
                in_case = True
                attrs = dict(pair.split("=", 1) for pair in header.group(2).split())
                cases.append(Case(id=header.group(1), attrs=attrs))
            elif in_case:
                lines.append(raw.rstrip())
        if in_case:
            close()
        lines = []
    return cases


@dataclass
class Score:
    labelled: int = 0
    found: int = 0
    recalled: int = 0  # labelled spans some finding of the kind overlaps
    correct: int = 0  # findings that overlap a labelled span of the kind

    @property
    def recall(self) -> float | None:
        return self.recalled / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.found if self.found else None


def eval_kind(finding) -> str:
    return "danger" if finding.screener == screeners.DANGER else finding.kind


def evaluate(cases: list[Case], screen) -> tuple[dict[str, Score], dict[str, list[str]]]:
    """screen(text, language) -> findings. Returns scores per kind and, per kind, the misses
    and false alarms (case id and rule, never needed in production) for tuning."""
    scores: dict[str, Score] = defaultdict(Score)
    notes: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        findings = [
            f
            for f in screen(case.text, case.attrs.get("lang", ""))
            if f.screener != screeners.LANGUAGE
        ]
        for label in case.labels:
            score = scores[label.kind]
            score.labelled += 1
            if any(
                eval_kind(f) == label.kind and f.start < label.end and label.start < f.end
                for f in findings
            ):
                score.recalled += 1
            else:
                notes[label.kind].append(f"miss {case.id}: {case.text[label.start : label.end]!r}")
        for finding in findings:
            kind = eval_kind(finding)
            if finding.screener not in (screeners.PII, screeners.DANGER):
                continue
            score = scores[kind]
            score.found += 1
            if any(
                label.kind == kind and finding.start < label.end and label.start < finding.end
                for label in case.labels
            ):
                score.correct += 1
            else:
                span = case.text[finding.start : finding.end]
                notes[kind].append(f"false {case.id}: {span!r} ({finding.detail})")
    return dict(scores), dict(notes)


@dataclass
class Triage:
    """Per story, which is what urgency is about: danger stories made urgent, calm ones too."""

    danger: int = 0
    danger_urgent: int = 0
    calm: int = 0
    calm_urgent: int = 0

    @property
    def recall(self) -> float | None:
        return self.danger_urgent / self.danger if self.danger else None

    @property
    def false_rate(self) -> float | None:
        return self.calm_urgent / self.calm if self.calm else None


def triage(cases: list[Case], screen) -> dict[str, Triage]:
    """Story-level urgency per language, per Latin script and overall ("all")."""
    from moderation.screening import route

    rows: dict[str, Triage] = defaultdict(Triage)
    for case in cases:
        _, urgent = route(screen(case.text, case.attrs.get("lang", "")))
        danger = any(label.kind == "danger" for label in case.labels)
        groups = [case.attrs.get("lang", "?"), "all"]
        if case.attrs.get("script") == "latn":
            groups.append("latin")
        for group in groups:
            row = rows[group]
            if danger:
                row.danger += 1
                row.danger_urgent += urgent
            else:
                row.calm += 1
                row.calm_urgent += urgent
    return dict(rows)


def routing(cases: list[Case], screen) -> Score:
    """How well `held` is predicted: stories labelled expect=held against stories whose
    findings would hold them."""
    from moderation.models import Severity
    from moderation.screeners import routed

    holding = routed("hold")
    score = Score()
    for case in cases:
        should = case.attrs.get("expect") == "held"
        held = any(
            f.screener in holding and f.severity >= Severity.HIGH
            for f in screen(case.text, case.attrs.get("lang", ""))
        )
        score.labelled += should
        score.found += held
        score.recalled += should and held
        score.correct += should and held
    return score
