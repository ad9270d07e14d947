"""Whole-page caching for readers that never serves stale news.

A cached page remembers what it was built from: names such as "article:12", "section:3",
"editor:7", "home" or "site". Each name has a generation in the shared cache: the time it last
changed. A stored page is served only while none of its names has changed since the page was
built; a change to an article bumps exactly the names it affects (`article_dependencies`), and
from that moment every app server sharing the cache rebuilds those pages and only those.

Scheduled stories change the site with no event at their minute, so the time of the next one is
kept in the cache too; the first request after it bumps the released stories' names.
"""

import hashlib
import math
import time
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, quote_etag

SITE = "site"  # the header and footer every page shows: masthead, sections, staff
HOME = "home"
SITEMAPS = "sitemaps"
NEXT_SCHEDULED_KEY = "newsroom:next-scheduled"
NOTHING_SCHEDULED = "none"


def _generation_key(name: str) -> str:
    return f"newsroom:gen:{name}"


def bump(names: Iterable[str]) -> None:
    """Mark these names changed now: every page built from any of them is rebuilt on next view."""
    now = time.time()
    cache.set_many({_generation_key(name): now for name in set(names)}, timeout=None)


def _generations(names: Iterable[str]) -> dict[str, float]:
    keys = {_generation_key(name): name for name in names}
    found = cache.get_many(keys)
    return {keys[key]: found.get(key, 0.0) for key in keys}


def article_dependencies(*, article_id, section_ids=(), editor_ids=(), tag_slugs=()) -> set[str]:
    """The pages a public article appears on: its own, the lists that carry it, feeds, sitemaps."""
    return {
        HOME,
        SITEMAPS,
        f"article:{article_id}",
        *(f"section:{section_id}" for section_id in section_ids if section_id),
        *(f"editor:{editor_id}" for editor_id in editor_ids),
        *(f"tag:{slug}" for slug in tag_slugs),
    }


def release_due_scheduled_stories() -> None:
    """Stories whose minute has come appear now, on every server, with no scheduler."""
    from .models import Article

    next_at = cache.get(NEXT_SCHEDULED_KEY)
    if next_at is None:
        upcoming = Article.objects.awaiting_publication().order_by("published_at").first()
        next_at = upcoming.published_at.timestamp() if upcoming else NOTHING_SCHEDULED
        cache.set(NEXT_SCHEDULED_KEY, next_at, timeout=None)
    if next_at == NOTHING_SCHEDULED or time.time() < next_at:
        return
    cache.delete(NEXT_SCHEDULED_KEY)
    released_since = datetime.fromtimestamp(next_at, tz=UTC)
    for article in Article.objects.published().filter(published_at__gte=released_since):
        bump(article.cache_dependencies())


def forget_schedule() -> None:
    """A publication time changed somewhere: look the next scheduled minute up again."""
    cache.delete(NEXT_SCHEDULED_KEY)


def reader_may_share_cache(request) -> bool:
    """Signed-in staff always get fresh pages, and only plain reads are shared."""
    if request.method not in {"GET", "HEAD"}:
        return False
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated)


class CachedPageMixin:
    """For public views: serve from the shared cache while nothing the page shows has changed.

    A view lists what its page was built from in `self.cache_names` (SITE is always there)
    while it builds the page; this mixin stores, validates, and sets ETag, Last-Modified and
    Cache-Control for browsers and the CDN. Conditional requests (304) are answered by Django's
    ConditionalGetMiddleware from those validators.
    """

    last_modified = None

    def depends_on(self, *names: str) -> None:
        self.cache_names.update(names)

    def changes_at(self, *moments: datetime | None) -> None:
        """The page will change by itself at the earliest of these moments (a breaking story
        leaving the strip, a pinned lead's time running out): keep it no longer than that."""
        known = [moment for moment in moments if moment is not None]
        if known:
            self.cache_until = min([*known, *([self.cache_until] if self.cache_until else [])])

    def dispatch(self, request, *args, **kwargs):
        self.cache_names = {SITE}
        self.cache_until = None
        if not reader_may_share_cache(request):
            response = super().dispatch(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True, no_store=True)
            return response

        release_due_scheduled_stories()
        key = "newsroom:page:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
        stored = cache.get(key)
        if stored is not None:
            built_from, response = stored
            if _generations(built_from) == built_from:
                return self._for_shared_caches(response)

        started = time.time()
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200:
            self._stamp_validators(response)
            built_from = _generations(self.cache_names)
            # A change that landed while the page was being built: serve it, do not keep it.
            if max(built_from.values(), default=0.0) <= started:
                cache.set(key, (built_from, response), self._cache_seconds())
        return self._for_shared_caches(response)

    def _cache_seconds(self) -> int:
        seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
        if self.cache_until is not None:
            seconds = min(seconds, max(1, math.ceil(self.cache_until.timestamp() - time.time())))
        return seconds

    def _for_shared_caches(self, response):
        patch_cache_control(
            response,
            public=True,
            max_age=settings.NEWSROOM_BROWSER_CACHE_SECONDS,
            s_maxage=settings.NEWSROOM_CDN_CACHE_SECONDS,
        )
        return response

    def _stamp_validators(self, response) -> None:
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        if self.last_modified:
            response["Last-Modified"] = http_date(self.last_modified.timestamp())
