from dataclasses import replace

import pytest

from moderation.screeners import danger_model, wordlists


@pytest.fixture(autouse=True)
def _screening_words(db):
    """Screeners read the admin's words from the database; each test starts from a fresh look."""
    wordlists.set_enabled(True)
    yield
    wordlists.set_enabled(True)


@pytest.fixture
def never_urgent_but(monkeypatch):
    """Patches the shipped danger model so that no story threshold can be reached: what is
    urgent then is urgent by the guard (`guard=True`: kept in every language; dropped by
    default) or by a rule. `changes` replace other fields of the model (reported_rule=...)."""

    def patch(guard: bool = False, **changes):
        learned = danger_model.model()
        never = {group: 1.01 for group in learned.story_thresholds}
        guards = dict.fromkeys(learned.story_thresholds, guard)
        monkeypatch.setattr(
            danger_model,
            "model",
            lambda: replace(learned, story_thresholds=never, guard=guards, **changes),
        )

    return patch
