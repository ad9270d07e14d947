"""This process's copies of the few small values every cached page is checked against, kept
exact by announcing each change over Redis pub/sub.

A page answered from the cache is first checked: have the generations of what it shows changed,
and has a scheduled story's minute come (caching.py)? With Redis, that check was a network round
trip on every answer: 0.1 ms on loopback here, a third of a cached page's time in the process,
and the reason cached pages answered 57-68% as fast as a static file where the in-process cache
reached about 75-97% (bench/RESULTS.md).

So each process keeps the values it has read, and every write of one of them is followed by an
announcement on a Redis channel naming the keys written; each process subscribes, and before it
uses its copies it reads, without waiting, whatever announcements have reached its socket, and
drops the copies they name. Redis delivers a publication to the subscribers' sockets before it
answers the publisher, so a reader's request that starts after a change has been made (the
editor's save answered) finds the announcement waiting. This is what Redis 7.4 offers as
client-side caching; the Redis here is 7.0.

When copies cannot be trusted, the values are read from Redis as before: before the
subscription is confirmed, after its connection was lost (redis-py reconnects and subscribes
again; every copy made before is dropped, as announcements may have been missed), and for a copy
older than `NEWSROOM_SHARED_COPY_SECONDS`, which bounds what a silently broken connection could
cost. With the in-process cache there is nothing to copy: every value is in memory already.
"""

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError

from newsroom.redis_cache import EVERYTHING

logger = logging.getLogger(__name__)

_ABSENT = object()
_CONFIRMATION_SECONDS = 1.0


class SharedCopies:
    def __init__(self):
        self._pid = None
        self._channel = None
        self._clears = 0
        self._pubsub = None
        self._confirmed = False
        self._copies: dict[str, tuple[object, float]] = {}
        # A threaded server (runserver) shares one subscription: reading announcements, reading
        # values and keeping them happen as one step, or a copy read before a change could be
        # kept after its announcement was applied.
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict:
        """`cache.get_many(keys)`, from this process's copies where they are exact."""
        keys = list(keys)
        backend = caches["default"]
        with self._lock:
            if not self._listening(backend):
                return backend.get_many(keys)
            now = time.monotonic()
            oldest = now - settings.NEWSROOM_SHARED_COPY_SECONDS
            wanted = [
                key for key in keys if key not in self._copies or self._copies[key][1] < oldest
            ]
            if wanted:
                found = backend.get_many(wanted)
                for key in wanted:
                    self._copies[key] = (found.get(key, _ABSENT), now)
            return {key: value for key in keys if (value := self._copies[key][0]) is not _ABSENT}

    def changed(self, keys: Iterable[str]) -> None:
        """Call after writing these keys to the cache: every process drops its copies of them."""
        keys = list(keys)
        with self._lock:
            for key in keys:
                self._copies.pop(key, None)
        backend = caches["default"]
        if not keys or not hasattr(backend, "announce"):
            return
        try:
            backend.announce("\n".join(keys))
        except RedisError:
            # The write went through, so Redis was there a moment ago; a process that misses
            # this has lost its subscription too, and reads from Redis until it subscribes again.
            logger.exception("could not announce a change to %s", keys)

    def _listening(self, backend) -> bool:
        """Subscribed, with every announcement received so far applied to the copies."""
        channel = getattr(backend, "announcement_channel", None)
        if channel is None:
            return False  # the in-process cache: nothing to copy
        if (self._pid, self._channel, self._clears) != (os.getpid(), channel, backend.clears):
            # A forked worker (the parent's connection is not its own), another cache (tests),
            # or this process emptied the cache. (Each thread has its own backend instance, so
            # the cache is told by its channel.)
            self._close()
            self._pid, self._channel, self._clears = os.getpid(), channel, backend.clears
        try:
            if self._pubsub is None:
                self._pubsub = backend.announcements()
                self._pubsub.connection.register_connect_callback(self._reconnected)
                self._wait_for_confirmation()
            while (message := self._pubsub.get_message(timeout=0)) is not None:
                self._apply(message)
        except RedisError:
            logger.warning("lost the subscription to cache changes; reading from Redis")
            self._close()
            return False
        return self._confirmed

    def _wait_for_confirmation(self) -> None:
        if (message := self._pubsub.get_message(timeout=_CONFIRMATION_SECONDS)) is not None:
            self._apply(message)

    def _apply(self, message: dict) -> None:
        if message["type"] == "subscribe":
            # From now on every announcement is heard; values read before may have changed.
            self._confirmed = True
            self._copies.clear()
        elif message["type"] == "message":
            data = message["data"].decode()
            if data == EVERYTHING:
                self._copies.clear()
            for key in data.split("\n"):
                self._copies.pop(key, None)

    def _reconnected(self, connection) -> None:
        # redis-py subscribes again on a new connection; until Redis confirms it, announcements
        # are lost, so nothing copied is trusted.
        self._confirmed = False
        self._copies.clear()

    def _close(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError):
                self._pubsub.close()
        self._pubsub = None
        self._confirmed = False
        self._copies.clear()


copies = SharedCopies()
