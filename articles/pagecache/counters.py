"""Counters and flags in the cache every process shares: the readers' tally of views
(articles/most_read.py) lives here between its flushes to the database.

Each call is one operation on the shared cache; the `_many` ones are one round trip on Redis
and one SQLite transaction on the embedded default (newsroom/redis_cache.py,
newsroom/disk_cache.py), one by one on other caches.
"""

from collections.abc import Iterable

from django.core.cache import cache


def get(key: str, default=None):
    return cache.get(key, default)


def get_many(keys: Iterable[str]) -> dict:
    return cache.get_many(list(keys))


def set(key: str, value, seconds: int) -> None:
    cache.set(key, value, seconds)


def set_many(values: dict, seconds: int) -> None:
    cache.set_many(values, seconds)


def add(key: str, value, seconds: int) -> bool:
    """Store `value` unless the key is there; True if stored (a flag taken)."""
    return cache.add(key, value, seconds)


def delete(key: str) -> None:
    cache.delete(key)


def incr(key: str, delta: int, seconds: int) -> int:
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr
        cache.set(key, delta, seconds)
        return delta


def incr_many(deltas: dict[str, int], seconds: int) -> dict[str, int]:
    """Add to these counters (made at 0 when missing); their new values."""
    if not deltas:
        return {}
    if hasattr(cache, "incr_many"):
        return cache.incr_many(deltas, seconds)
    return {key: incr(key, delta, seconds) for key, delta in deltas.items()}


def add_many(keys: Iterable[str], seconds: int) -> list[str]:
    """The keys among these not yet in the cache, now added."""
    if hasattr(cache, "add_many"):
        return cache.add_many(dict.fromkeys(keys, True), seconds)
    return [key for key in keys if cache.add(key, True, seconds)]
