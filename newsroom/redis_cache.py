"""Django's Redis cache backend, with one client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call, and
building one sets up its table of response callbacks, a real part of a page answered from the
cache. `redis.Redis` is safe to share between threads, and the pool stays Django's.
"""

import hashlib

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.utils.functional import cached_property


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Announced when the whole cache is emptied: every copy of every key is dropped.
EVERYTHING = "*"


class RedisCache(django_redis.RedisCache):
    """Also announces changes over pub/sub, for processes that keep copies of a few values
    (articles/shared_copies.py), and counts many counters in one round trip (`incr_many`,
    `add_many`), where Django's API takes one or two round trips per counter."""

    # How many times this process emptied a cache: its own announcement of it may not have
    # reached its own subscription yet. Counted on the class: each thread has its own instance.
    clears = 0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @cached_property
    def announcement_channel(self) -> str:
        # Channels are shared by every database of a Redis server: one per cache, so sites,
        # tests and benchmarks sharing a server do not hear each other.
        where = repr((self._servers, self.key_prefix, self.version))
        return "newsroom:changed:" + hashlib.sha256(where.encode()).hexdigest()[:16]

    def announce(self, message: str) -> None:
        self._cache.get_client(write=True).publish(self.announcement_channel, message)

    def announcements(self):
        """A subscription to this cache's announcements (a redis-py PubSub), confirmed by its
        first message."""
        pubsub = self._cache.get_client(write=True).pubsub()
        pubsub.subscribe(self.announcement_channel)
        return pubsub

    def clear(self):
        cleared = super().clear()
        RedisCache.clears += 1
        self.announce(EVERYTHING)
        return cleared

    def incr_many(self, deltas: dict[str, int], timeout=DEFAULT_TIMEOUT, version=None) -> dict:
        """Add each delta to its counter, in one round trip; returns the new values.

        A missing counter starts from 0; a counter without an expiry gets `timeout`, and one
        with an expiry keeps it. Unlike `incr`, a missing counter is not an error.
        """
        seconds = self.get_backend_timeout(timeout)
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        for key in deltas:
            stored_key = self.make_and_validate_key(key, version=version)
            pipeline.incrby(stored_key, deltas[key])
            if seconds is not None:
                pipeline.expire(stored_key, max(seconds, 1), nx=True)
        replies = iter(pipeline.execute())
        values = {}
        for key in deltas:
            values[key] = next(replies)
            if seconds is not None:
                next(replies)
        return values

    def add_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> list[str]:
        """`add` for each of these keys, in one round trip; returns the keys that were added."""
        seconds = self.get_backend_timeout(timeout)
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        for key, value in data.items():
            stored_key = self.make_and_validate_key(key, version=version)
            pipeline.set(
                stored_key,
                self._cache._serializer.dumps(value),
                ex=max(seconds, 1) if seconds is not None else None,
                nx=True,
            )
        return [key for key, added in zip(data, pipeline.execute(), strict=True) if added]
