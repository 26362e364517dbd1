"""Stories as testimony's own services leave them: received, screened (pending or held),
withdrawn. Review states (approved, published...) are made by moderation's services, in
tests/moderation/factories.py; the wall's, in tests/testimony/wall/factories.py."""

import itertools

from testimony.models import Channel, Consent, Story
from testimony.services import Submitted, story_mark_screened, story_submit, story_withdraw

_numbers = itertools.count(1)


def submitted(
    *,
    text: str = "",
    consent: str = Consent.WALL,
    channel: str = Channel.WEB,
    region: str = "",
    told_at=None,
    answers=None,
) -> Submitted:
    """A story told (the receipt is only known here, at submission)."""
    n = next(_numbers)
    return story_submit(
        text=text or f"This happened to me, and I want it told. Story number {n}.",
        consent=consent,
        channel=channel,
        region=region,
        told_at=told_at,
        answers=answers,
    )


def received(**kwargs) -> Story:
    return Story.objects.get(id=submitted(**kwargs).story_id)


def screened(*, held: bool = False, urgent: bool = False, language: str = "en", **kwargs) -> Story:
    """Routed by screening: pending (waiting for a moderator) or held."""
    return story_mark_screened(
        story=received(**kwargs), language=language, held=held, urgent=urgent, incomplete=False
    )


def withdrawn(**kwargs) -> Story:
    done = submitted(**kwargs)
    story_withdraw(receipt=done.receipt)
    return Story.objects.get(id=done.story_id)
