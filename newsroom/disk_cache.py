"""The embedded default's shared cache: diskcache, one SQLite file every process on the host
reads and writes, so that `make serve`'s workers, `manage.py shell` and the importer all see one
cache, as app servers on Redis do.

A process keeps copies of the few values every cached page is checked against (the
generations, articles/shared_copies.py) and needs to know when another process changed one.
Redis announces changes over pub/sub; here SQLite itself says so: `PRAGMA data_version` on a
connection changes whenever another connection committed to the file since it last asked. The
generations live in a store of their own, written only when something changes, so that signal
is precise; and that store never evicts, because a generation that vanished would read as "never
changed" and could make a page built before a change valid again.
"""

import os
import sqlite3

from diskcache import Cache
from diskcache.core import DBNAME
from diskcache.djangocache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class DiskCache(DjangoCache):
    """diskcache's Django backend on one SQLite file (no shards: one file to watch), whose reads
    wait for a writer instead of reporting a miss, and which writes many keys in one
    transaction (`set_many`, `incr_many`, `add_many`): each write transaction takes the file's
    one write lock, which every worker's read counts would otherwise queue for key by key."""

    def __init__(self, directory, params):
        super().__init__(directory, params)
        timeout = params.get("DATABASE_TIMEOUT", 5.0)
        self._cache = Cache(directory, timeout=timeout, **params.get("OPTIONS", {}))

    @property
    def database_path(self) -> str:
        return os.path.join(self._cache.directory, DBNAME)

    def get(self, key, default=None, version=None, read=False, expire_time=False, tag=False):
        return super().get(key, default, version, read, expire_time, tag, retry=True)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with self._cache.transact(retry=True):
            return super().set_many(data, timeout, version)

    def incr_many(self, deltas: dict[str, int], timeout=DEFAULT_TIMEOUT, version=None) -> dict:
        """Add each delta to its counter (a missing one starts at 0, with `timeout`); the new
        values."""
        seconds = self.get_backend_timeout(timeout)
        values = {}
        with self._cache.transact(retry=True):
            for key, delta in deltas.items():
                stored_key = self.make_and_validate_key(key, version=version)
                self._cache.add(stored_key, 0, expire=seconds, retry=True)
                values[key] = self._cache.incr(stored_key, delta, default=0, retry=True)
        return values

    def add_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> list[str]:
        """`add` for each of these keys, in one transaction; the keys that were added."""
        seconds = self.get_backend_timeout(timeout)
        with self._cache.transact(retry=True):
            return [
                key
                for key, value in data.items()
                if self._cache.add(
                    self.make_and_validate_key(key, version=version),
                    value,
                    expire=seconds,
                    retry=True,
                )
            ]

    def get_many(self, keys, version=None):
        found = {}
        for key in keys:
            value = self.get(key, self._missing_key, version=version)
            if value is not self._missing_key:
                found[key] = value
        return found


class ChangeWatch:
    """Tells whether any process committed to a diskcache file since the last look: one
    `PRAGMA data_version` on a connection of its own, which never writes."""

    def __init__(self, database_path: str):
        self._connection = sqlite3.connect(database_path, check_same_thread=False)
        self._seen = self._version()

    def _version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        version = self._version()
        if version == self._seen:
            return False
        self._seen = version
        return True

    def close(self) -> None:
        self._connection.close()
