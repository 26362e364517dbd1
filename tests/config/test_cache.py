"""config.cache: Django's Redis backend with one client object per pool, not one per call."""

import pytest


@pytest.mark.integration
def test_the_client_is_made_once_and_every_operation_still_works(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache.add("a", {"x": 1}, timeout=30) and not redis_cache.add("a", 2, timeout=30)
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.incr(redis_cache.add("n", 0, timeout=30) and "n") == 1
    redis_cache.delete_many(["a", "n"])
    assert redis_cache.get("a") is None and redis_cache.get("n") is None
    assert redis_cache._cache.get_client() is client


def test_the_settings_use_it_whenever_redis_is_the_cache():
    from django.conf import settings as live

    if live.REDIS_URL:
        assert live.CACHES["default"]["BACKEND"] == "config.cache.RedisCache"
    else:
        assert live.CACHES["default"]["BACKEND"].endswith("LocMemCache")
