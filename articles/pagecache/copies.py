"""This process's copies of the few small values every cached page is checked against (the
generations and the next scheduled minute, articles/caching.py), kept exact by hearing of every
change another process makes.

A page answered from the cache is first checked: have the generations of what it shows changed,
and has a scheduled story's minute come? Reading those from the shared cache on every answer
would be a round trip to Redis, or a few reads of the embedded default's SQLite file. So each
process keeps the values it has read, and drops its copies as soon as it hears of a change:

- on Redis, every write of one of them is followed by an announcement on a pub/sub channel
  naming the keys written; each process subscribes, and before it uses its copies it reads,
  without waiting, whatever announcements have reached its socket, and drops the copies they
  name. Redis delivers a publication to the subscribers' sockets before it answers the
  publisher, so a request that starts after a change has been made (the editor's save answered)
  finds the announcement waiting. This is what Redis 7.4 offers as client-side caching.
- on the embedded default (diskcache, newsroom/disk_cache.py), SQLite tells: the generations'
  file changed since this process last looked (`ChangeWatch`), and every copy is dropped.

When copies cannot be trusted, the values are read from the shared cache as before: on Redis
before the subscription is confirmed, after its connection was lost (redis-py reconnects and
subscribes again; every copy made before is dropped, as announcements may have been missed),
and for a copy older than `NEWSROOM_SHARED_COPY_SECONDS`, which bounds what a silently broken
connection could cost. A cache in this process's own memory (tests' locmem) has nothing to copy.
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

from newsroom.disk_cache import ChangeWatch
from newsroom.redis_cache import EVERYTHING

logger = logging.getLogger(__name__)

_ABSENT = object()
_CONFIRMATION_SECONDS = 1.0
# The alias in settings.CACHES of the generations' own store, when there is one (the embedded
# default); else they live in the shared cache (Redis).
GENERATIONS = "generations"


def store():
    """The cache the generations and the next scheduled minute are written to and read from."""
    return caches[GENERATIONS if GENERATIONS in settings.CACHES else "default"]


class SharedCopies:
    def __init__(self):
        self._pid = None
        self._channel = None
        self._clears = 0
        self._pubsub = None
        self._confirmed = False
        self._watch: ChangeWatch | None = None
        self._watched = None
        self._copies: dict[str, tuple[object, float]] = {}
        # A threaded server (runserver) shares one subscription: reading announcements, reading
        # values and keeping them happen as one step, or a copy read before a change could be
        # kept after its announcement was applied.
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict:
        """`store().get_many(keys)`, from this process's copies where they are exact."""
        keys = list(keys)
        backend = store()
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
        """Call after writing these keys to `store()`: every process drops its copies of them."""
        keys = list(keys)
        with self._lock:
            for key in keys:
                self._copies.pop(key, None)
        backend = store()
        if not keys or not hasattr(backend, "announce"):
            return
        try:
            backend.announce("\n".join(keys))
        except RedisError:
            # The write went through, so Redis was there a moment ago; a process that misses
            # this has lost its subscription too, and reads from Redis until it subscribes again.
            logger.exception("could not announce a change to %s", keys)

    def _listening(self, backend) -> bool:
        """Whether the copies are exact: every change heard of so far applied to them."""
        if hasattr(backend, "announcement_channel"):
            return self._subscribed(backend)
        if hasattr(backend, "database_path"):
            return self._watching(backend)
        return False  # the in-process cache: nothing to copy

    def _watching(self, backend) -> bool:
        """The embedded default: any commit to the generations' file drops every copy."""
        where = (os.getpid(), backend.database_path)
        if self._watched != where:
            # A forked worker (the parent's connection is not its own) or another store (tests).
            self._close()
            self._watch, self._watched = ChangeWatch(backend.database_path), where
        elif self._watch.changed():
            self._copies.clear()
        return True

    def _subscribed(self, backend) -> bool:
        """Redis: subscribed, with every announcement received so far applied to the copies."""
        channel = backend.announcement_channel
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
        if self._watch is not None:
            self._watch.close()
        self._pubsub = None
        self._watch = self._watched = None
        self._confirmed = False
        self._copies.clear()


copies = SharedCopies()
