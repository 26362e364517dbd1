"""Celery's Redis transport, with one publishing client per channel.

kombu's Redis channel builds a new `redis.Redis` client object for every message it publishes
(`Channel.conn_or_acquire`): the connection comes from the pool, but the client's set-up (its
table of response callbacks) costs more than the LPUSH itself, once per story told. A channel
is used by one thread at a time (Celery's producer pool lends it out), so its client can be kept
for the channel's life. Chosen by settings.CELERY_BROKER_TRANSPORT for a redis:// broker.
"""

from contextlib import contextmanager

from kombu.transport import redis
from kombu.utils.objects import cached_property


class Channel(redis.Channel):
    @cached_property
    def _publishing_client(self):
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client=None):
        yield client or self._publishing_client


class Transport(redis.Transport):
    Channel = Channel
