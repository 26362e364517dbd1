"""How a story is shown to a moderator: findings as highlighted segments, redaction suggestions.

Offsets are Unicode code points (Python string indices), as the screeners give them. Each
segment carries its code-point start, so the page's script converts a selection from the
browser's UTF-16 offsets within one segment only.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from moderation import screeners
from moderation.models import Finding, Placeholder
from testimony.models import Label, Story

# The placeholder a finding's kind suggests; anything else becomes "[…]".
_PLACEHOLDERS = {
    Placeholder.NAME: ("name", "person", "per", "surname", "first-name", "handle"),
    Placeholder.PHONE: ("phone",),
    Placeholder.EMAIL: ("email", "e-mail"),
    Placeholder.ADDRESS: ("address", "street"),
    Placeholder.PLACE: ("place", "city", "region", "location", "loc", "village", "town"),
    Placeholder.NUMBER: (
        "iin",
        "bin",
        "card",
        "plate",
        "document",
        "case",
        "number",
        "age",
        "children",
    ),
    Placeholder.DATE: ("date",),
    Placeholder.WORK: ("workplace", "school", "org", "job", "rank", "position", "employer"),
    Placeholder.LINK: ("url", "link", "social", "profile"),
}
KIND_TO_PLACEHOLDER = {kind: ph for ph, kinds in _PLACEHOLDERS.items() for kind in kinds}


def placeholder_for(finding: Finding) -> str:
    kind = finding.kind.lower()
    return KIND_TO_PLACEHOLDER.get(kind) or KIND_TO_PLACEHOLDER.get(
        kind.split("-")[0].split("_")[0], Placeholder.REMOVED
    )


def finding_detail(finding, text: str) -> str:
    """The finding's explanation as a moderator reads it. The words that weighed most (the
    learned layer's `highlights`, offsets: a finding keeps no copy of the text) are shown as
    the words themselves, cut from the text here."""
    words = [
        f"«{text[start:end]}»" for start, end in finding.highlights if 0 <= start < end <= len(text)
    ]
    if not words:
        return finding.detail
    return _("%(detail)s, words that weighed most: %(words)s") % {
        "detail": finding.detail,
        "words": ", ".join(words),
    }


@dataclass
class Segment:
    start: int
    end: int
    text: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def css(self) -> str:
        classes = {f"hl-{f.screener}" for f in self.findings}
        classes |= {"hl-high"} if any(f.severity >= 3 for f in self.findings) else set()
        return " ".join(sorted(classes))

    @property
    def title(self) -> str:
        return "; ".join(f"{f.screener}: {f.kind} — {f.detail}".strip(" —") for f in self.findings)


def highlighted_segments(text: str, findings: list[Finding]) -> list[Segment]:
    """The text cut at every finding's start and end; each piece lists the findings over it."""
    spans = [f for f in findings if 0 <= f.start < f.end <= len(text)]
    cuts = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans)})
    segments = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [f for f in spans if f.start <= start and end <= f.end]
        segments.append(Segment(start, end, text[start:end], covering))
    return segments


def suggestions(findings: list[Finding]) -> list[dict]:
    """Spans to redact, one click: every personal-data finding with its placeholder."""
    return [
        {"start": f.start, "end": f.end, "placeholder": placeholder_for(f)}
        for f in findings
        if f.screener == screeners.PII and f.end > f.start
    ]


# Finding kinds that mean sexual violence.
SEXUAL_KINDS = {"sexual-violence", "sexual_violence", "rape", "sexual"}


def opens_blurred(story: Story, findings: list[Finding]) -> bool:
    """Stories that always open blurred, whatever her preference: urgent ones and those that
    speak of sexual violence (found, or labelled so)."""
    return bool(
        story.urgent
        or any(f.kind in SEXUAL_KINDS or f.screener in SEXUAL_KINDS for f in findings)
        or Label.SEXUAL in (story.labels or [])
    )
