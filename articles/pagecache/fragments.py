"""Pieces of pages kept under their own keys, many at a time: the story cards of a list.

A kept fragment is stored with the generation it was built under (the frame's, SITE: the names
and addresses of sections and editors it shows) and its key names what else it is built from (a
story's last edit, articles/web/cards.py). This process keeps bounded copies in front of the
shared cache, checked against the same generation, so a list of many cards costs no round trip
when its cards are here.
"""

import threading

from cachetools import LRUCache
from django.conf import settings
from django.core.cache import cache

from articles.pagecache.version import versioned

_copies: LRUCache = LRUCache(maxsize=settings.NEWSROOM_CARD_COPIES)
_copies_lock = threading.Lock()  # runserver's threads share the copies


def key(name: str) -> str:
    """The key of a fragment: its name and the code's version (a deploy keeps none of the old)."""
    return versioned(name)


def kept(keys: list[str], generation: float) -> dict[str, str]:
    """The fragments kept under these keys and `generation`: this process's copies, then the
    shared cache for the others (one round trip; none when all are here)."""
    with _copies_lock:
        found = {
            key: copy[1]
            for key in keys
            if (copy := _copies.get(key)) is not None and copy[0] == generation
        }
    if others := [key for key in keys if key not in found]:
        in_cache = cache.get_many(others)
        stored = {key: kept for key, kept in in_cache.items() if kept[0] == generation}
        _keep_copies(stored)
        found |= {key: kept[1] for key, kept in stored.items()}
    return found


def keep(built: dict[str, str], generation: float, seconds: int) -> None:
    """Store these fragments (key: markup) as built under `generation`."""
    stored = {key: (generation, markup) for key, markup in built.items()}
    cache.set_many(stored, seconds)
    _keep_copies(stored)


def _keep_copies(fragments: dict[str, tuple[float, str]]) -> None:
    with _copies_lock:
        _copies.update(fragments)


def forget_copies() -> None:
    """Drop this process's copies (tests that empty the shared cache reuse ids)."""
    with _copies_lock:
        _copies.clear()
