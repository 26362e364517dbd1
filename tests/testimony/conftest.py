import pytest


@pytest.fixture(autouse=True)
def _no_proof_of_work(settings):
    """These tests are not about proof of work (tests/frontend/test_abuse_controls.py is)."""
    settings.POW_ENABLED = False
