"""Moderation listens to testimony; testimony never imports moderation."""

from django.db.models.signals import post_delete, post_save

from testimony.signals import story_received


def _enqueue_screening(sender, story_id: str, **kwargs) -> None:
    from moderation.screening import screening_enqueue

    screening_enqueue(story_id=story_id)


def _screening_words_changed(sender, **kwargs) -> None:
    from moderation.screeners.wordlists import bump_version

    bump_version()


def connect() -> None:
    from moderation.models import ScreeningWord

    story_received.connect(_enqueue_screening, dispatch_uid="moderation-enqueue-screening")
    for signal in (post_save, post_delete):
        signal.connect(
            _screening_words_changed,
            sender=ScreeningWord,
            dispatch_uid=f"moderation-screening-words-{signal is post_save}",
        )
