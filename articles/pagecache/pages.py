"""Whole-page caching for readers that never serves stale news.

A cached page remembers what it was built from: its dependencies (`deps.Dep`: an article, a
section, an editor, a tag, the home page's lists, the frame). Each has a generation in the shared
cache: the time it last changed. A stored page is served only while none of its dependencies has
changed since the page was built; a change to an article bumps exactly the ones it affects
(`deps.of_article`), and from that moment every app server sharing the cache rebuilds those
pages and only those. Every key of markup carries the code's version (`version.py`).

Scheduled stories change the site with no event at their minute, so the time of the next one is
kept in the cache too; the first request after it bumps the released stories' names.
"""

import hashlib
import math
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, quote_etag

from articles.pagecache import fragments
from articles.pagecache.copies import copies, store
from articles.pagecache.deps import HOME, SITE, Dep, checked
from articles.pagecache.version import versioned

NEXT_SCHEDULED_KEY = "newsroom:next-scheduled"
LOCAL_PAGES = "local-pages"  # the alias in settings.CACHES of each process's page copies
NOTHING_SCHEDULED = "none"

T = TypeVar("T")


def generation_key(dep: Dep) -> str:
    return _generation_key(dep.name)


def _generation_key(name: str) -> str:
    return f"newsroom:gen:{name}"


def bump(deps: Iterable[Dep]) -> None:
    """Mark these changed: every page built from any of them is rebuilt on next view.

    Twice: now, and again when the transaction making the change commits. A reader whose page is
    built between the two sees the database before the commit; the second bump, later than the
    start of that build, makes the page stale the moment the change becomes visible.
    """
    names = {dep.name for dep in checked(deps)}
    _set_generations(names)
    transaction.on_commit(lambda: _set_generations(names))


def _set_generations(names: set[str]) -> None:
    now = time.time()
    generations = {_generation_key(name): now for name in names}
    store().set_many(generations, timeout=None)
    copies.changed(generations)


def generation(dep: Dep) -> float:
    """When `dep` last changed (0.0: not since the cache was emptied); with Redis, from this
    process's exact copy (`copies`)."""
    return _generations([dep.name])[dep.name]


def _generations(names: Iterable[str]) -> dict[str, float]:
    """The generations of these dependency names (`Dep.name`), as pages store them."""
    keys = {_generation_key(name): name for name in names}
    found = copies.get_many(keys)
    return {keys[key]: found.get(key, 0.0) for key in keys}


def release_due_scheduled_stories(next_at=None) -> bool:
    """Stories whose minute has come appear now, on every server, with no scheduler.

    `next_at` is the cached time of the next scheduled story when the caller already read it.
    True when it released some (and so bumped their pages).
    """
    from articles.models import Article
    from articles.pagecache.invalidation import dependencies_of

    if next_at is None:
        next_at = copies.get_many([NEXT_SCHEDULED_KEY]).get(NEXT_SCHEDULED_KEY)
    if next_at is None:
        upcoming = Article.objects.awaiting_publication().order_by("published_at").first()
        next_at = upcoming.published_at.timestamp() if upcoming else NOTHING_SCHEDULED
        store().set(NEXT_SCHEDULED_KEY, next_at, timeout=None)
        copies.changed([NEXT_SCHEDULED_KEY])
    if next_at == NOTHING_SCHEDULED or time.time() < next_at:
        return False
    _forget_next_scheduled()
    released_since = datetime.fromtimestamp(next_at, tz=UTC)
    for article in Article.objects.published().filter(published_at__gte=released_since):
        bump(dependencies_of(article))
    return True


def forget_schedule() -> None:
    """A publication time changed somewhere: look the next scheduled minute up again (now, and
    once the change is committed, so the lookup cannot read the database before it)."""
    _forget_next_scheduled()
    transaction.on_commit(_forget_next_scheduled)


def _forget_next_scheduled() -> None:
    store().delete(NEXT_SCHEDULED_KEY)
    copies.changed([NEXT_SCHEDULED_KEY])


def reader_may_share_cache(request) -> bool:
    """Signed-in staff always get fresh pages, and only plain reads are shared."""
    if request.method not in {"GET", "HEAD"}:
        return False
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated)


def _page_key(request) -> str:
    # Pages write absolute addresses (canonical links, feeds, Open Graph) on the host and scheme
    # the reader used, so each host keeps its own copy. The path as Django decoded it and the
    # query as sent: `get_full_path()` would quote the path again.
    address = (
        f"{request.scheme}://{request.get_host()}{request.path}"
        f"?{request.META.get('QUERY_STRING', '')}"
    )
    return versioned("newsroom:page:" + hashlib.sha256(address.encode()).hexdigest())


def _local_pages():
    """This process's copies of pages and pieces, in front of a shared cache on another host
    (Redis).

    A copy is checked against the shared generations on every use, so it is never staler than
    the shared one; what it saves is fetching the page (up to 170 KB) or the piece over the
    network. None when the shared cache is itself in this process's memory.
    """
    return caches[LOCAL_PAGES] if LOCAL_PAGES in settings.CACHES else None


def _still_valid(built_from: dict[str, float]) -> bool:
    return _generations(built_from) == built_from


def stored_page(request) -> tuple[HttpResponse, int | None] | None:
    """The stored page for this address, if nothing it shows has changed since it was built.

    The page comes from this process's copy, else from the shared cache; the generations of
    what it was built from and the next scheduled minute come from this process's exact copies
    of them (`shared_copies`). Returns the response and the article it counts a read for.
    """
    key = _page_key(request)
    local = _local_pages()
    if local is not None and (stored := local.get(key)) is not None:
        built_from, response, read_article_id, expires_at = stored
        keys = {_generation_key(name): name for name in built_from}
        found = copies.get_many([*keys, NEXT_SCHEDULED_KEY])
        released = release_due_scheduled_stories(found.get(NEXT_SCHEDULED_KEY))
        current = {name: found.get(gen_key, 0.0) for gen_key, name in keys.items()}
        if not released and current == built_from and time.time() < expires_at:
            return response, read_article_id
        local.delete(key)
    stored = cache.get(key)
    if stored is None:
        return None  # the view builds it from the database as it is now
    release_due_scheduled_stories()
    built_from, response, read_article_id, expires_at = stored
    # The cache's own expiry counts whole seconds; a page that changes by itself (changes_at)
    # is due at its moment.
    if time.time() >= expires_at or not _still_valid(built_from):
        return None
    if local is not None and (seconds := math.floor(expires_at - time.time())) > 0:
        # No longer than the shared copy: a page may change by itself (changes_at).
        local.set(key, stored, seconds)
    return response, read_article_id


def _store_page(request, built_from: dict, response, read_article_id, seconds: int) -> None:
    stored = (built_from, response, read_article_id, time.time() + seconds)
    cache.set(_page_key(request), stored, seconds)
    if (local := _local_pages()) is not None:
        local.set(_page_key(request), stored, seconds)


# How long a piece (`piece`) is kept at most; a change makes it stale much sooner.
PIECE_SECONDS = 24 * 3600


def frame_fragment(name: str, vary: tuple, render: Callable[[], str]) -> str:
    """A piece of the frame every page shares (header, footer), rendered once per change.

    The frame shows the masthead, the sections and the staff (all of them bump SITE) and
    today's date; `vary` is what else differs between pages (the section to mark as current).
    Pages, cold or cached, then need neither the frame's queries nor its rendering. One round
    trip: the stored piece with the SITE generation, compared with the generation it was
    rendered under.
    """
    key = (
        "newsroom:frame:"
        + hashlib.sha256(repr((name, vary, timezone.localdate().isoformat())).encode()).hexdigest()
    )
    return site_piece(key, render)


def site_piece(key: str, load: Callable[[], T]) -> T:
    """What only SITE changes (the frame's pieces, the masthead): see `piece`."""
    return piece(key, [SITE], load)


def piece(key: str, deps: Iterable[Dep], load: Callable[[], T]) -> T:
    """A piece of pages built from `deps`, from the shared cache while none of their
    generations moved since it was stored; else loaded and stored.

    One round trip: the piece and the generations. With Redis, none while this process holds a
    copy of the piece and of its generations (see `_local_pages`): every page shows the frame
    and the masthead, so they would otherwise cost each page several round trips. The
    generations are read before loading, so a change landing meanwhile leaves the piece stored
    under older generations than the ones its commit sets (see `bump`), and the next request
    loads it again.
    """
    key = versioned(key)
    generation_keys = sorted(generation_key(dep) for dep in checked(deps))
    found = copies.get_many(generation_keys)
    generations = tuple(found.get(gen_key, 0.0) for gen_key in generation_keys)
    local = _local_pages()
    if local is not None and (kept := local.get(key)) is not None and kept[0] == generations:
        return kept[1]
    stored = cache.get(key)
    if stored is None or stored[0] != generations:
        stored = (generations, load())
        cache.set(key, stored, PIECE_SECONDS)
    if local is not None:
        local.set(key, stored, PIECE_SECONDS)
    return stored[1]


# Sent for every page served to a reader that counts a read of an article, cached or not
# (articles/most_read.py counts it): with `article_id` and `request`.
page_read = Signal()


def count_read(request, article_id: int | None) -> None:
    if article_id is not None:
        page_read.send(sender=None, article_id=article_id, request=request)


def serve_cached(
    request,
    build: Callable[[], HttpResponse],
    deps: Iterable[Dep],
    *,
    last_modified=None,
    timeout: Callable[[], int] | None = None,
    read_article_id: Callable[[], int | None] | None = None,
    shared_seconds: tuple[int, int] | None = None,
) -> HttpResponse:
    """The response for a public page: from the shared cache while still valid, else built.

    `deps` are what the page is built from (SITE is always added); it may be a set that
    `build` fills in as it loads things (see CachedPageMixin.depends_on). `read_article_id`
    names the article a served page counts a read for (most read), cached or not.
    `shared_seconds` (browser, CDN) replaces the site's Cache-Control lifetimes for a page that
    changes by the second (a live story's endpoint); kept with the stored page.
    """
    if not reader_may_share_cache(request):
        response = build()
        patch_cache_control(response, private=True, no_cache=True, no_store=True)
        return response

    already_missed = getattr(request, "newsroom_page_cache_missed", False)
    if not already_missed and (hit := stored_page(request)) is not None:
        response, article_id = hit
        count_read(request, article_id)
        return for_shared_caches(response)

    # Know the next scheduled minute before storing anything, so a later hit can honour it.
    release_due_scheduled_stories()
    started = request.newsroom_build_started = time.time()
    response = build()
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if shared_seconds is not None:
        response.newsroom_shared_seconds = shared_seconds
    if not response.streaming:
        # One piece: a feed writes itself in thousands of small ones, and gunicorn sends each
        # piece with its own write.
        response.content = response.content
    if response.status_code == 200 and not response.cookies:
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        modified = last_modified() if callable(last_modified) else last_modified
        if modified:
            response["Last-Modified"] = http_date(modified.timestamp())
        article_id = read_article_id() if read_article_id else None
        count_read(request, article_id)
        built_from = _generations({dep.name for dep in checked({SITE, *deps})})
        # A change that landed while the page was being built: serve it, do not keep it.
        seconds = timeout() if timeout else settings.NEWSROOM_PAGE_CACHE_SECONDS
        # A page cache of 0 seconds keeps nothing (the local-memory cache would hold the expired
        # page until it is full, pushing out the frame and the cards).
        if seconds > 0 and max(built_from.values(), default=0.0) <= started:
            _store_page(request, built_from, response, article_id, seconds)
    return for_shared_caches(response)


def build_started(request) -> float | None:
    """When `serve_cached` began building this request's page (before reading anything), so
    pieces built along the way can be kept only if nothing changed since; None when the page
    is not one readers share (a signed-in editor's)."""
    return getattr(request, "newsroom_build_started", None)


def for_shared_caches(response):
    browser, cdn = getattr(
        response,
        "newsroom_shared_seconds",
        (settings.NEWSROOM_BROWSER_CACHE_SECONDS, settings.NEWSROOM_CDN_CACHE_SECONDS),
    )
    patch_cache_control(response, public=True, max_age=browser, s_maxage=cdn)
    return response


def cached_page(*deps: Dep):
    """For function views (sitemaps): cache the page, built from these dependencies."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return serve_cached(request, lambda: view(request, *args, **kwargs), deps)

        return wrapped

    return decorator


class CachedPageMixin:
    """For public class-based views: serve from the shared cache while nothing shown changed.

    While it builds the page a view calls `self.depends_on(...)` with what it loaded, and may set
    `self.last_modified`; this mixin stores, validates, and sets ETag, Last-Modified and
    Cache-Control for browsers and the CDN. Conditional requests (304) are answered by Django's
    ConditionalGetMiddleware from those validators (or by PublicPageCacheMiddleware, which
    answers readers' repeat visits before sessions and the rest of the stack run).
    """

    last_modified = None

    def depends_on(self, *deps: Dep) -> None:
        self.cache_deps.update(checked(deps))

    def read_article_id(self) -> int | None:
        """The article a served page counts a read for (most read); None for lists."""
        return None

    def changes_at(self, *moments: datetime | None) -> None:
        """The page will change by itself at the earliest of these moments (a breaking story
        leaving the strip, a pinned lead's time running out): keep it no longer than that."""
        known = [moment for moment in moments if moment is not None]
        if known:
            self.cache_until = min([*known, *([self.cache_until] if self.cache_until else [])])

    def _cache_seconds(self) -> int:
        seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
        if self.cache_until is not None:
            seconds = min(seconds, max(1, math.ceil(self.cache_until.timestamp() - time.time())))
        return seconds

    def dispatch(self, request, *args, **kwargs):
        self.cache_deps = set()
        self.cache_until = None
        response = serve_cached(
            request,
            lambda: super(CachedPageMixin, self).dispatch(request, *args, **kwargs),
            self.cache_deps,
            last_modified=lambda: self.last_modified,
            timeout=self._cache_seconds,
            read_article_id=self.read_article_id,
        )
        return response


class CachedFeedMixin:
    """For syndication feeds: the same shared cache, built from `feed_dependencies(**kwargs)`."""

    def feed_dependencies(self, **kwargs) -> list[Dep]:
        return [HOME]

    def __call__(self, request, *args, **kwargs):
        return serve_cached(
            request,
            lambda: super(CachedFeedMixin, self).__call__(request, *args, **kwargs),
            self.feed_dependencies(**kwargs),
        )


def empty_every_cache() -> None:
    """Every cache the site has (shared, generations, this process's copies) emptied."""
    for alias in settings.CACHES:
        caches[alias].clear()
    fragments.forget_copies()


def forget_everything() -> None:
    """Nothing cached before now may be served (after a restore): every cache is emptied, and the
    generation every page depends on moves, so no other process's own copy of a page matches."""
    empty_every_cache()
    bump([SITE])
