import pytest

from moderation.screeners import wordlists


@pytest.fixture(autouse=True)
def _screening_words(db):
    """Screeners read the admin's words from the database; each test starts from a fresh look."""
    wordlists.set_enabled(True)
    yield
    wordlists.set_enabled(True)
