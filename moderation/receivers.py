"""Moderation listens to testimony; testimony never imports moderation."""

from testimony.signals import story_received


def _enqueue_screening(sender, story_id: str, **kwargs) -> None:
    from moderation.screening import screening_enqueue

    screening_enqueue(story_id=story_id)


def connect() -> None:
    story_received.connect(_enqueue_screening, dispatch_uid="moderation-enqueue-screening")
