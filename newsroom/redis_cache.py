"""Django's Redis cache backend, with one client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call, and
building one sets up its table of 169 response callbacks: 0.14 ms, a fifth of a page answered
from the cache. `redis.Redis` is safe to share between threads, and the pool stays Django's.
"""

import hashlib

from django.core.cache.backends import redis as django_redis
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
    (articles/shared_copies.py)."""

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
