"""Redaction: spans of a story's text that the wall shows as placeholders.

Offsets are Unicode code points (Python string indices), as the screeners give them.
Redactions add up: a saved one stays until a request names it for removal (DESIGN.md
invariant 11), so no decision silently undoes what another moderator did.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from moderation.errors import Conflict, Invalid
from moderation.models import Placeholder, Redaction
from testimony.models import AuditAction, Story
from testimony.services import story_transition

UNREADABLE = _("The redactions could not be read.")
GONE = _("This story changed since you opened it. Please reload it and check again.")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    placeholder: str = Placeholder.REMOVED


def _span_of(item) -> Span:
    if isinstance(item, Span):
        return item
    try:
        return Span(
            int(item["start"]),
            int(item["end"]),
            str(item.get("placeholder") or Placeholder.REMOVED),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise Invalid(_("Each redaction needs a start, an end and a placeholder.")) from None


def spans_clean(redactions: Iterable, text: str) -> list[Span]:
    """Validate spans (code-point offsets into `text`); overlapping spans merge into one."""
    if not isinstance(redactions, (list, tuple)):
        raise Invalid(UNREADABLE)
    spans = []
    for span in map(_span_of, redactions):
        if not 0 <= span.start < span.end <= len(text):
            raise Invalid(_("A redaction lies outside the story's text."))
        if span.placeholder not in Placeholder.values:
            raise Invalid(_("Unknown placeholder."))
        spans.append(span)
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.placeholder)
        else:
            merged.append(span)
    return merged


def spans_after(*, stored: list[Span], add, remove, text: str) -> list[Span]:
    """The redactions after a request: the saved ones, minus those `remove` names (each by
    its start and end), plus `add` (a span over a saved one's exact range changes its
    placeholder). Nothing else ever takes a saved redaction away."""
    if not isinstance(remove, (list, tuple)):
        raise Invalid(UNREADABLE)
    removing = {(span.start, span.end) for span in map(_span_of, remove)}
    if removing - {(span.start, span.end) for span in stored}:
        raise Conflict(GONE, code="stale_version")  # named from a page older than the story
    added = spans_clean(add, text)
    replaced = removing | {(span.start, span.end) for span in added}
    return spans_clean([s for s in stored if (s.start, s.end) not in replaced] + added, text)


def stored_spans(story: Story) -> list[Span]:
    return [
        Span(r.start, r.end, r.placeholder)
        for r in Redaction.objects.filter(story=story).order_by("start")
    ]


def spans_requested(story: Story, redactions, unredact) -> list[Span]:
    """The story's redactions once a request's additions and named removals are applied."""
    return spans_after(
        stored=stored_spans(story), add=redactions or [], remove=unredact or [], text=story.text
    )


def spans_store(*, story: Story, spans: list[Span], user, duration: timedelta | None) -> bool:
    """Replace the story's redactions; an audit event and a new version when they changed."""
    if spans == stored_spans(story):
        return False
    Redaction.objects.filter(story=story).delete()
    Redaction.objects.bulk_create(
        Redaction(story=story, start=s.start, end=s.end, placeholder=s.placeholder) for s in spans
    )
    story_transition(
        story=story, to=story.status, action=AuditAction.REDACTED, actor=user, duration=duration
    )
    return True


def covered(start: int, end: int, spans: list[Span]) -> bool:
    """Is every code point of [start, end) inside some span?"""
    at = start
    for span in sorted(spans):
        if span.start <= at < span.end:
            at = span.end
        if at >= end:
            return True
    return at >= end


def placeholder_in(placeholder: str, language: str) -> str:
    """A placeholder in the story's own language ("[имя]" in a Russian story)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return placeholder
    with translation.override(language):
        return str(Placeholder(placeholder).label)


def redacted_text(text: str, spans: Iterable[Span], language: str = "") -> str:
    """The text with every span replaced by its placeholder: what the wall shows."""
    out, at = [], 0
    for span in sorted(spans):
        out.append(text[at : span.start])
        out.append(placeholder_in(span.placeholder, language))
        at = span.end
    out.append(text[at:])
    return "".join(out)
