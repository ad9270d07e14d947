"""With Redis, each process checks cached pages against its own copies of the generations,
kept exact by announcements: a change made by any process shows at once, and a cached page
costs no round trip to Redis."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from articles.pagecache import pages as caching
from articles.pagecache.copies import copies
from articles.pagecache.deps import Dep
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NAME = Dep.section("news")
KEY = caching.generation_key(NAME)


def redis_reads(monkeypatch, backend) -> list:
    """The keys this process asks Redis for through the cache, call by call."""
    calls = []
    get_many = backend.get_many

    def counting_get_many(keys, *args, **kwargs):
        calls.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counting_get_many)
    return calls


def test_a_change_announced_by_another_process_is_seen_at_once(redis_cache):
    redis_cache.set(KEY, 1.0, None)
    assert copies.get_many([KEY]) == {KEY: 1.0}
    # Another app server writes the generation and announces it; this process's copy is not
    # touched directly.
    redis_cache.set(KEY, 2.0, None)
    redis_cache.announce(KEY)
    assert copies.get_many([KEY]) == {KEY: 2.0}


def test_copies_spare_redis_and_a_change_here_reads_it_again(redis_cache, monkeypatch):
    redis_cache.set(KEY, 1.0, None)
    reads = redis_reads(monkeypatch, redis_cache)
    for _ in range(3):
        assert copies.get_many([KEY]) == {KEY: 1.0}
    assert reads == [[KEY]]
    caching.bump([NAME])
    (generation,) = copies.get_many([KEY]).values()
    assert generation > 1.0
    assert reads == [[KEY], [KEY]]


def test_after_a_lost_connection_values_come_from_redis_again(redis_cache):
    redis_cache.set(KEY, 1.0, None)
    assert copies.get_many([KEY]) == {KEY: 1.0}
    copies._pubsub.connection.disconnect()
    # Announced while this process was not listening: it never hears of it.
    redis_cache.set(KEY, 2.0, None)
    redis_cache.announce(KEY)
    assert copies.get_many([KEY]) == {KEY: 2.0}


def test_emptying_the_cache_drops_every_copy(redis_cache):
    redis_cache.set(KEY, 1.0, None)
    assert copies.get_many([KEY]) == {KEY: 1.0}
    redis_cache.clear()
    assert copies.get_many([KEY]) == {}


def test_the_threads_of_a_process_share_its_copies(redis_cache):
    """A threaded server: each thread has its own cache instance, not its own subscription."""
    redis_cache.set(KEY, 1.0, None)
    assert copies.get_many([KEY]) == {KEY: 1.0}
    subscription = copies._pubsub
    with ThreadPoolExecutor(max_workers=1) as other_thread:
        seen = other_thread.submit(lambda: (copies.get_many([KEY]), copies._pubsub)).result()
    assert seen == ({KEY: 1.0}, subscription)


def test_a_cached_page_answers_with_no_round_trip_to_redis(
    client, redis_cache, monkeypatch, section, masthead
):
    story = ArticleFactory(section=section)
    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # now copied into this process, with the generations it was built from
    reads = redis_reads(monkeypatch, redis_cache)
    assert client.get(url).status_code == 200
    assert reads == []
    story.headline = "عنوان جديد"
    story.save()
    assert "عنوان جديد" in client.get(url).content.decode()


def test_a_page_built_again_takes_its_frame_and_masthead_from_this_process(
    client, redis_cache, monkeypatch, section, masthead, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # every view builds the page
    url = ArticleFactory(section=section).get_absolute_url()
    client.get(url)
    client.get(url)
    reads = redis_reads(monkeypatch, redis_cache)
    assert client.get(url).status_code == 200
    pieces_read = [key for keys in reads for key in keys if "frame" in key or "masthead" in key]
    assert pieces_read == []
    masthead.site_name = "الصحيفة الجديدة"
    masthead.save()
    assert "الصحيفة الجديدة" in client.get(url).content.decode()
