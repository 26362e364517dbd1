"""config.broker: kombu's Redis transport with one publishing client per channel, not one per
message (intake publishes one screening task per story)."""

import os

import pytest
from kombu import Connection
from kombu.transport import redis as kombu_redis

from config import broker
from tests.conftest import TEST_REDIS, require_service, service_reachable


def _clients_made(monkeypatch, transport) -> list[bool]:
    made = []
    create = kombu_redis.Channel._create_client

    def counting(self, asynchronous=False):
        made.append(asynchronous)
        return create(self, asynchronous)

    monkeypatch.setattr(kombu_redis.Channel, "_create_client", counting)
    return made


@pytest.mark.integration
@pytest.mark.parametrize("transport", [broker.Transport, kombu_redis.Transport])
def test_a_channel_publishes_every_message_through_one_client(monkeypatch, transport):
    """kombu's own transport is the baseline: a client object (two, in kombu 5.7) per message."""
    require_service("Redis", service_reachable(TEST_REDIS, 6379))
    made = _clients_made(monkeypatch, transport)
    name = f"test-broker-{os.getpid()}"
    with Connection(TEST_REDIS, transport=transport) as conn:
        queue = conn.SimpleQueue(name)
        try:
            for n in range(30):
                queue.put({"n": n})
            if transport is broker.Transport:
                assert made.count(False) == 1
            else:
                assert made.count(False) >= 30
            got = []
            for _ in range(30):
                message = queue.get(timeout=5)
                got.append(message.payload["n"])
                message.ack()
            assert got == list(range(30))  # every message arrived, in order
        finally:
            queue.clear()
            queue.close()


def test_celery_uses_it_whenever_redis_is_the_broker():
    from django.conf import settings

    from config.celery import app

    transport = app.connection_for_write().transport_cls
    if settings.REDIS_URL.startswith("redis://"):
        assert transport == "config.broker:Transport"
    else:
        assert transport == "memory"
