"""Most-read lists, counted in the cache and written to the database in batches.

A reader's view costs no database write and, most of the time, no cache operation either:
`record_read` adds it to this process's tally, and every `NEWSROOM_READS_PUSH_EVERY` views (or
`NEWSROOM_READS_PUSH_SECONDS` after the oldest) `push_reads` adds the tally to a counter per
(day, article) in the shared cache, registering each pair once per day in a numbered slot. With
Redis a push takes four network round trips however many stories it holds (pipelines, see
`newsroom/redis_cache.py`): a cold walk over many stories had paid six per story.

A flush is due when `NEWSROOM_READS_FLUSH_EVERY` pushed views wait, or when this process's
oldest pushed view has waited `NEWSROOM_READS_FLUSH_SECONDS` (so a quiet site's few readers
reach the lists too, not only a busy one's hundreds); either way one flush runs at most once in
that interval across every process, and `manage.py flush_read_counts` (e.g. from cron) runs one
at any time. `flush_read_counts` adds the counters to `DailyReadCount` rows and takes exactly
what it wrote off the counters, so views counted during a flush are kept for the next one, as
are those of a flush that failed; a flush that wrote something marks the most-read lists
changed, so the pages that show them follow. Crawlers, link-preview bots and staff are not
counted.

With the local-memory cache each process keeps its own counters and flushes its own; they add
up in the database. Views not yet written when a process is killed are lost (a process that
exits normally pushes its tally first), which a "most read" list can afford; a shared cache
(Redis) keeps pushed counters across restarts.
"""

import atexit
import functools
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from articles.models import Article, DailyReadCount
from articles.pagecache import counters, deps
from articles.pagecache import pages as caching

logger = logging.getLogger(__name__)

COUNTER_TIMEOUT = 3 * 24 * 3600  # long enough to survive a night without a flush
FLUSH_LOCK_TIMEOUT = 60

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|whatsapp|"
    r"telegram|feed|curl|wget|python-|httpclient|java/|go-http|headless|lighthouse|monitor|"
    r"scrapy|okhttp|axios|node-fetch|libwww|bingpreview|google-inspectiontool",
    re.IGNORECASE,
)


def is_countable_reader(request: HttpRequest) -> bool:
    """A human reader on a page view: not a crawler, a link preview or the newsroom itself."""
    if request.method != "GET":
        return False
    # META, not `request.headers`, which builds a dict of every header on first use.
    if _is_robot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_staff)


# Readers' browsers send a few hundred distinct user agents a day: each is judged once, as the
# robot pattern is a noticeable part of an article served from the page cache.
@functools.lru_cache(maxsize=4096)
def _is_robot(user_agent: str) -> bool:
    return not user_agent or BOT_USER_AGENT.search(user_agent) is not None


def _count_key(day: date, article_id: int) -> str:
    return f"reads:{day.isoformat()}:count:{article_id}"


def _seen_key(day: date, article_id: int) -> str:
    return f"reads:{day.isoformat()}:seen:{article_id}"


def _slots_key(day: date) -> str:
    return f"reads:{day.isoformat()}:slots"


def _slot_key(day: date, number: int) -> str:
    return f"reads:{day.isoformat()}:slot:{number}"


PENDING_KEY = "reads:pending"
LOCK_KEY = "reads:flush-lock"
FLUSHED_RECENTLY_KEY = "reads:flushed-recently"


class _Tally:
    """This process's views not yet pushed to the shared counters, per (day, article)."""

    def __init__(self):
        self.views: Counter[tuple[date, int]] = Counter()
        self.since = 0.0  # when the oldest of them was counted (time.monotonic)
        # When this process first pushed views that no flush it ran has written since
        # (time.time, as the shared cache's flags expire by it); None when there are none.
        self.pushed_since: float | None = None
        self.lock = threading.Lock()  # threaded servers (runserver) count from several threads

    def add(self, day: date, article_id: int) -> bool:
        """Count a view; True when the tally is due to be pushed."""
        with self.lock:
            if not self.views:
                self.since = time.monotonic()
            self.views[(day, article_id)] += 1
            return (
                self.views.total() >= settings.NEWSROOM_READS_PUSH_EVERY
                or time.monotonic() - self.since >= settings.NEWSROOM_READS_PUSH_SECONDS
            )

    def take(self) -> Counter[tuple[date, int]]:
        with self.lock:
            views, self.views = self.views, Counter()
            return views


_tally = _Tally()


@receiver(caching.page_read)
def count_a_page_read(sender, *, article_id: int, request: HttpRequest, **kwargs) -> None:
    record_read(article_id=article_id, request=request)


def record_read(*, article_id: int, request: HttpRequest) -> bool:
    """Count one reader's view of a published article today. True if counted."""
    if not is_countable_reader(request):
        return False
    if _tally.add(timezone.localdate(), article_id):
        push_reads()
    return True


def push_reads() -> None:
    """Add this process's tally of views to the shared counters, and flush the counters to the
    database when a flush is due (enough views wait, or they have waited long enough) and none
    ran within the interval."""
    waiting = _push_tally()
    if not waiting or not _flush_due(waiting):
        return
    try:
        flush_read_counts()
    except DatabaseError:
        # A reader's page never fails for a count: what was not written stays in the counters.
        logger.warning(
            "Read counts not written to the database; kept for the next flush.", exc_info=True
        )


def _flush_due(waiting: int) -> bool:
    """Whether this push should flush: `waiting` views are in the shared counters."""
    seconds = settings.NEWSROOM_READS_FLUSH_SECONDS
    pushed_since = _tally.pushed_since
    waited = pushed_since is not None and time.time() - pushed_since >= seconds
    if waiting < settings.NEWSROOM_READS_FLUSH_EVERY and not (seconds > 0 and waited):
        return False
    if seconds <= 0:
        return True
    # A read first: `add` takes the shared cache's write lock even when the key is there.
    if counters.get(FLUSHED_RECENTLY_KEY) is not None:
        return False  # the views wait in the counters for the next flush
    return counters.add(FLUSHED_RECENTLY_KEY, True, seconds)


def _push_tally() -> int:
    """The tally into the shared counters; returns how many views now wait for a flush.

    A few round trips per push whatever the number of stories in it (`_incr_many`): counts
    first, then the day's slots for the stories first seen today.
    """
    views = _tally.take()
    if not views:
        return 0
    if _tally.pushed_since is None:
        _tally.pushed_since = time.time()
    counted = _incr_many(
        {_count_key(day, article_id): count for (day, article_id), count in views.items()}
        | {PENDING_KEY: views.total()}
    )
    seen_keys = {_seen_key(day, article_id): (day, article_id) for day, article_id in views}
    first_seen = defaultdict(list)
    for key in _add_many(seen_keys):
        day, article_id = seen_keys[key]
        first_seen[day].append(article_id)
    # First views of these articles today: give each a numbered slot the flush will visit.
    last_slots = _incr_many({_slots_key(day): len(ids) for day, ids in first_seen.items()})
    slots = {}
    for day, article_ids in first_seen.items():
        first = last_slots[_slots_key(day)] - len(article_ids) + 1
        slots |= {
            _slot_key(day, number): article_id
            for number, article_id in enumerate(article_ids, start=first)
        }
    if slots:
        counters.set_many(slots, COUNTER_TIMEOUT)
    return counted[PENDING_KEY]


def _incr_many(deltas: dict[str, int]) -> dict[str, int]:
    return counters.incr_many(deltas, COUNTER_TIMEOUT)


def _add_many(keys: Iterable[str]) -> list[str]:
    return counters.add_many(keys, COUNTER_TIMEOUT)


# A worker stopped by gunicorn (a restart, a deploy) exits normally: its tally is kept.
atexit.register(_push_tally)


def _pending_counts(day: date) -> dict[int, int]:
    slots = counters.get(_slots_key(day)) or 0
    article_ids = counters.get_many([_slot_key(day, n) for n in range(1, slots + 1)]).values()
    keys = {_count_key(day, article_id): article_id for article_id in article_ids}
    return {keys[key]: count for key, count in counters.get_many(list(keys)).items() if count > 0}


def flush_read_counts(*, days: int = 2) -> int:
    """Add the cached counters of the last `days` days to the database. Returns views written."""
    _push_tally()  # this process's latest views are written too
    if not counters.add(LOCK_KEY, True, FLUSH_LOCK_TIMEOUT):
        return 0  # another flush is running; it will take these counts too
    try:
        _tally.pushed_since = None  # what this process pushed is written now
        counters.set(PENDING_KEY, 0, COUNTER_TIMEOUT)
        today = timezone.localdate()
        written = 0
        for day in (today - timedelta(days=offset) for offset in range(days)):
            counts = _pending_counts(day)
            if counts:
                written += _add_to_database(day, counts)
                _incr_many(
                    {_count_key(day, article_id): -count for article_id, count in counts.items()}
                )
        # Most-read lists on cached pages follow the counts. Flushes run at most once per
        # `NEWSROOM_READS_FLUSH_SECONDS` (or when cron asks), so a busy day rebuilds the pages
        # that show the lists no more often than that.
        if written:
            caching.bump([deps.MOST_READ])
        return written
    finally:
        counters.delete(LOCK_KEY)


@transaction.atomic
def _add_to_database(day: date, counts: dict[int, int]) -> int:
    existing_articles = set(Article.objects.filter(pk__in=counts).values_list("pk", flat=True))
    counts = {pk: count for pk, count in counts.items() if pk in existing_articles}
    rows = {
        row.article_id: row
        for row in DailyReadCount.objects.select_for_update().filter(day=day, article__in=counts)
    }
    for article_id, count in counts.items():
        if article_id in rows:
            DailyReadCount.objects.filter(pk=rows[article_id].pk).update(count=F("count") + count)
    DailyReadCount.objects.bulk_create(
        DailyReadCount(article_id=article_id, day=day, count=count)
        for article_id, count in counts.items()
        if article_id not in rows
    )
    return sum(counts.values())
