import pytest

from testimony import feeds


@pytest.fixture(autouse=True)
def _fresh_feed_memo():
    """Each process keeps rendered feed pages; a test database starts over, so must they."""
    feeds.memo.clear()
    yield
    feeds.memo.clear()


@pytest.fixture
def get_feed(client):
    def get(slug: str, **headers):
        return client.get(f"/api/v1/wall/{slug}/stories/", **headers)

    return get
