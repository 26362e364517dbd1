import re

import pytest

from testimony import proofofwork


@pytest.fixture(autouse=True)
def _no_proof_of_work(settings):
    """Tests here are not about proof of work unless they turn it on (see `pow_on`)."""
    settings.POW_ENABLED = False


@pytest.fixture
def pow_on(settings):
    settings.POW_ENABLED = True
    settings.INTAKE_RATE_LIMIT = "off"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "off"
    settings.POW_MAX_NUMBER = 2_000  # fast to solve in tests; the mechanism is the same


@pytest.fixture
def solved(client):
    """solved() -> a payload solving a fresh challenge from the API, as a browser would."""

    def solve(**extra) -> str:
        challenge = client.get("/api/v1/challenge/", **extra).json()
        return proofofwork.solve(challenge)

    return solve


def form_token(client, lang: str = "en") -> str:
    html = client.get(f"/{lang}/tell/").content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1)
