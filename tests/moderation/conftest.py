"""Fixtures of the workspace tests: accounts made by the same service the command uses, and
stories submitted and routed by the same services intake and screening use."""

from moderation.models import Finding, Severity, StorySignature
from testimony.models import Story
from testimony.services import story_mark_screened
from tests.factories import SubmittedStoryFactory


def screened(
    text: str = "He shouted at me every night, and I was afraid to go back home.",
    *,
    findings=(),
    held: bool = False,
    urgent: bool = False,
    language: str = "en",
    cluster: str = "",
    region: str = "",
    consent: str = "wall",
) -> Story:
    """A story as screening leaves it: findings recorded (offsets only), routed, waiting."""
    story = Story.objects.get(
        id=SubmittedStoryFactory(text=text, region=region, consent=consent).story_id
    )
    for screener, kind, severity, start, end in findings:
        Finding.objects.create(
            story=story,
            screener=screener,
            kind=kind,
            severity=severity,
            start=start,
            end=end,
            detail=f"{screener} rule: {kind}",
        )
    if cluster:
        StorySignature.objects.create(story=story, minhash=b"", cluster=cluster)
    return story_mark_screened(
        story=story, language=language, held=held, urgent=urgent, incomplete=False
    )


def pii(kind: str, start: int, end: int, severity=Severity.HIGH):
    return ("pii", kind, severity, start, end)
