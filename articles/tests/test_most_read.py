from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import uri_to_iri

from articles import most_read
from articles.models import Article, DailyReadCount
from articles.most_read import flush_read_counts
from articles.reading import queries
from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def empty_cache():
    empty_every_cache()
    yield
    empty_every_cache()


@pytest.fixture(params=["local-memory", "redis"])
def counters(request):
    """The shared counters on each cache a site runs with: the process's memory, or Redis
    (where a push is pipelined: newsroom/redis_cache.py)."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


def read(client, article, times=1, user_agent=BROWSER):
    for _ in range(times):
        assert client.get(article.get_absolute_url(), HTTP_USER_AGENT=user_agent).status_code == 200


def test_a_page_view_is_counted_without_writing_to_the_database(
    counters, client, published_article
):
    client.get(published_article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)  # warm up
    with CaptureQueriesContext(connection) as captured:
        read(client, published_article)
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert not DailyReadCount.objects.exists()
    assert flush_read_counts() == 2
    assert DailyReadCount.objects.get().count == 2


def test_counts_are_flushed_in_batches_when_the_threshold_is_reached(
    counters, client, published_article, settings
):
    settings.NEWSROOM_READS_FLUSH_EVERY = 3
    settings.NEWSROOM_READS_FLUSH_SECONDS = 0
    read(client, published_article, times=2)
    assert not DailyReadCount.objects.exists()
    read(client, published_article)
    row = DailyReadCount.objects.get()
    assert (row.article, row.day, row.count) == (published_article, timezone.localdate(), 3)
    read(client, published_article, times=3)
    row.refresh_from_db()
    assert row.count == 6


def shared_counts():
    """What any app server's flush would find in the shared cache now."""
    return most_read._pending_counts(timezone.localdate())


def test_a_process_adds_its_views_to_the_shared_counters_once_per_batch(
    counters, client, published_article, settings
):
    settings.NEWSROOM_READS_PUSH_EVERY = 3
    read(client, published_article, times=2)
    assert shared_counts() == {}
    read(client, published_article)
    assert shared_counts() == {published_article.pk: 3}


def test_pushes_from_several_processes_add_up_per_story(counters, section, masthead):
    first, second, third = ArticleFactory.create_batch(3, section=section)
    today = timezone.localdate()
    # Two app servers' tallies, pushed one after the other; both read the first story.
    for tally in ({first.pk: 2, second.pk: 1}, {first.pk: 1, third.pk: 4}):
        most_read._tally.views.update({(today, pk): views for pk, views in tally.items()})
        most_read._push_tally()
    assert shared_counts() == {first.pk: 3, second.pk: 1, third.pk: 4}
    assert flush_read_counts() == 8
    assert shared_counts() == {}
    counted = dict(DailyReadCount.objects.values_list("article_id", "count"))
    assert counted == {first.pk: 3, second.pk: 1, third.pk: 4}


def test_on_redis_a_push_costs_the_same_round_trips_for_one_story_or_forty(
    redis_cache, section, masthead, monkeypatch
):
    stories = ArticleFactory.create_batch(40, section=section)
    today = timezone.localdate()
    pool = redis_cache._cache.get_client().connection_pool
    connection = pool.get_connection()
    pool.release(connection)
    connection_class = type(connection)
    redis_cache.get("connected")  # the connection's own set-up is not a push's
    sent = []
    send = connection_class.send_packed_command
    monkeypatch.setattr(
        connection_class,
        "send_packed_command",
        lambda self, command, *args, **kwargs: (
            sent.append(command),
            send(self, command, *args, **kwargs),
        )[1],
    )

    def round_trips_to_push(articles):
        sent.clear()
        most_read._tally.views.update({(today, article.pk): 1 for article in articles})
        most_read._push_tally()
        return len(sent)

    assert round_trips_to_push(stories[:1]) == round_trips_to_push(stories[1:]) <= 4
    assert shared_counts() == {story.pk: 1 for story in stories}


def test_a_quiet_process_adds_views_older_than_the_push_interval(
    counters, client, published_article, settings, monkeypatch
):
    settings.NEWSROOM_READS_PUSH_EVERY = 50
    settings.NEWSROOM_READS_PUSH_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(most_read.time, "monotonic", lambda: clock[0])
    read(client, published_article)
    clock[0] += 9
    read(client, published_article)
    assert shared_counts() == {}
    clock[0] += 2
    read(client, published_article)
    assert shared_counts() == {published_article.pk: 3}


def test_views_still_in_a_processs_tally_are_written_by_its_flush(
    counters, client, published_article, settings
):
    settings.NEWSROOM_READS_PUSH_EVERY = 50
    read(client, published_article, times=4)
    assert flush_read_counts() == 4
    assert DailyReadCount.objects.get().count == 4
    assert flush_read_counts() == 0


def test_a_busy_site_writes_read_counts_at_most_once_per_interval(
    client, published_article, settings, time_machine
):
    settings.NEWSROOM_READS_FLUSH_EVERY = 2
    settings.NEWSROOM_READS_FLUSH_SECONDS = 30
    # Mid-morning, so the 31 seconds below stay within one day; the story was published an hour
    # before that (the factory's hour before the real clock may be later than nine).
    time_machine.move_to(timezone.now().replace(hour=9))
    Article.objects.filter(pk=published_article.pk).update(
        published_at=timezone.now() - timedelta(hours=1)
    )
    read(client, published_article, times=2)
    row = DailyReadCount.objects.get()
    assert row.count == 2
    read(client, published_article, times=4)
    row.refresh_from_db()
    assert row.count == 2
    time_machine.shift(timedelta(seconds=31))
    read(client, published_article)  # the interval is over: the waiting views go in with it
    row.refresh_from_db()
    assert row.count == 7


def test_a_failed_write_of_read_counts_loses_no_view_and_breaks_no_page(
    counters, client, published_article, settings, monkeypatch
):
    settings.NEWSROOM_READS_FLUSH_EVERY = 2
    settings.NEWSROOM_READS_FLUSH_SECONDS = 0

    def locked(day, counts):
        raise OperationalError("database is locked")

    monkeypatch.setattr(most_read, "_add_to_database", locked)
    read(client, published_article, times=3)  # each page answers 200
    monkeypatch.undo()
    assert flush_read_counts() == 3
    assert DailyReadCount.objects.get().count == 3


def test_flush_adds_to_the_days_total_and_never_counts_a_view_twice(
    counters, client, published_article
):
    read(client, published_article, times=2)
    flush_read_counts()
    read(client, published_article)
    flush_read_counts()
    flush_read_counts()
    assert DailyReadCount.objects.get().count == 3


def test_flush_read_counts_command_writes_pending_counts(counters, client, published_article):
    read(client, published_article, times=4)
    out = StringIO()
    call_command("flush_read_counts", stdout=out)
    assert DailyReadCount.objects.get().count == 4
    assert "Flushed 4" in out.getvalue()


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "WhatsApp/2.23.20.0",
        "python-requests/2.32.3",
        "",
    ],
)
def test_crawlers_and_link_previews_are_not_counted(client, published_article, user_agent):
    read(client, published_article, times=2, user_agent=user_agent)
    assert flush_read_counts() == 0


def test_staff_reading_the_site_are_not_counted(staff_client, published_article):
    read(staff_client, published_article, times=2)
    assert flush_read_counts() == 0


def test_most_read_ranks_the_days_stories_by_reads_per_site_and_per_section(client, masthead):
    sport, economy = SectionFactory(name="رياضة"), SectionFactory(name="اقتصاد")
    goal = ArticleFactory(section=sport, headline="هدف")
    match = ArticleFactory(section=sport, headline="مباراة")
    market = ArticleFactory(section=economy, headline="البورصة")
    read(client, goal, times=1)
    read(client, match, times=3)
    read(client, market, times=2)
    flush_read_counts()
    assert [story.pk for story in queries.most_read()] == [match.pk, market.pk, goal.pk]
    assert [story.pk for story in queries.most_read(section=sport)] == [match.pk, goal.pk]
    assert [
        story.pk for story in queries.most_read(day=timezone.localdate() - timedelta(days=1))
    ] == []


def test_most_read_never_lists_drafts_or_scheduled_stories(masthead):
    section = SectionFactory()
    shown = ArticleFactory(section=section)
    draft = ArticleFactory(section=section, draft=True)
    later = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=3))
    today = timezone.localdate()
    for article, count in [(shown, 1), (draft, 50), (later, 90)]:
        DailyReadCount.objects.create(article=article, day=today, count=count)
    assert [story.pk for story in queries.most_read()] == [shown.pk]
    assert [story.pk for story in queries.most_read(section=section)] == [shown.pk]


def test_home_and_section_pages_show_the_most_read_block(client, published_article):
    read(client, published_article)
    flush_read_counts()
    for url in ["/", published_article.section.get_absolute_url()]:
        html = client.get(url).content.decode()
        block = html[html.index('id="most-read-title"') :]
        assert "الأكثر قراءة" in block
        assert uri_to_iri(published_article.get_absolute_url()) in block


def test_flush_skips_articles_deleted_since_they_were_read(client, section, masthead):
    gone, kept = ArticleFactory(section=section), ArticleFactory(section=section)
    read(client, gone)
    read(client, kept)
    gone.delete()
    assert flush_read_counts() == 1
    assert DailyReadCount.objects.get().article == kept


def most_read_block(client, url):
    html = client.get(url).content.decode()
    return html[html.index('id="most-read-title"') :] if 'id="most-read-title"' in html else ""


def test_pages_show_the_most_read_list_without_its_query_until_the_counts_are_written(
    client, published_article, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # every page built afresh, as after a publication
    read(client, published_article)
    flush_read_counts()
    urls = ["/", published_article.section.get_absolute_url()]
    for url in urls:
        assert uri_to_iri(published_article.get_absolute_url()) in most_read_block(client, url)
    with CaptureQueriesContext(connection) as captured:
        for url in urls:
            assert uri_to_iri(published_article.get_absolute_url()) in most_read_block(client, url)
    assert not [q for q in captured if DailyReadCount._meta.db_table in q["sql"]]


@pytest.mark.parametrize("change", ["withdrawn", "edited"])
def test_a_story_withdrawn_or_edited_changes_the_most_read_list_at_once(
    client, published_article, change
):
    read(client, published_article)
    flush_read_counts()
    urls = ["/", published_article.section.get_absolute_url()]
    old_headline = published_article.headline
    for url in urls:
        assert old_headline in most_read_block(client, url)
    if change == "withdrawn":
        published_article.status = Article.Status.WITHDRAWN
    else:
        published_article.headline = "عنوان جديد بعد التصحيح"
    published_article.save()
    for url in urls:
        block = most_read_block(client, url)
        assert old_headline not in block
        assert ("عنوان جديد بعد التصحيح" in block) is (change == "edited")


def at_nine_in_the_morning(time_machine, article):
    """Mid-morning, so the minutes below stay within one day; the story published before."""
    time_machine.move_to(timezone.now().replace(hour=9, minute=0))
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(hours=1))


def test_a_quiet_sites_few_reads_reach_the_database_once_the_flush_interval_is_over(
    counters, client, published_article, settings, time_machine
):
    settings.NEWSROOM_READS_FLUSH_EVERY = 100
    settings.NEWSROOM_READS_FLUSH_SECONDS = 30
    at_nine_in_the_morning(time_machine, published_article)
    read(client, published_article, times=3)
    time_machine.shift(timedelta(seconds=20))
    with CaptureQueriesContext(connection) as captured:
        read(client, published_article)
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []  # within the interval a reader's view writes nothing
    assert not DailyReadCount.objects.exists()
    time_machine.shift(timedelta(seconds=11))
    read(client, published_article)
    assert DailyReadCount.objects.get().count == 5
    read(client, published_article, times=2)  # the next interval has begun: they wait
    assert DailyReadCount.objects.get().count == 5


def test_forty_readers_make_the_most_read_box_appear_within_a_minute(
    counters, client, published_article, settings, time_machine, monkeypatch
):
    """Issue 23: forty reader views never made the box appear (counts waited for a hundred)."""
    settings.NEWSROOM_READS_PUSH_EVERY = 500
    settings.NEWSROOM_READS_PUSH_SECONDS = 10
    settings.NEWSROOM_READS_FLUSH_EVERY = 100
    settings.NEWSROOM_READS_FLUSH_SECONDS = 30
    at_nine_in_the_morning(time_machine, published_article)
    # The tally's clock follows the moved one too.
    monkeypatch.setattr(most_read.time, "monotonic", most_read.time.time)
    story = uri_to_iri(published_article.get_absolute_url())
    assert story not in most_read_block(client, "/")
    for _ in range(40):
        read(client, published_article)
        time_machine.shift(timedelta(seconds=1.5))
    assert story in most_read_block(client, "/")
    assert DailyReadCount.objects.get().count >= 30


def test_a_flush_that_wrote_changes_the_most_read_list_on_cached_pages_at_once(
    counters, client, section, masthead, settings, time_machine
):
    settings.NEWSROOM_READS_FLUSH_EVERY = 100
    settings.NEWSROOM_READS_FLUSH_SECONDS = 30
    first, second = ArticleFactory(section=section), ArticleFactory(section=section)
    at_nine_in_the_morning(time_machine, first)
    first.refresh_from_db()  # its publication moved to eight, before the machine's nine
    Article.objects.filter(pk=second.pk).update(published_at=first.published_at)
    read(client, first)
    flush_read_counts()
    assert uri_to_iri(second.get_absolute_url()) not in most_read_block(client, "/")
    time_machine.shift(timedelta(seconds=5))
    read(client, second, times=3)
    time_machine.shift(timedelta(seconds=31))
    read(client, second)  # this flush is due: the counts and the box follow
    block = most_read_block(client, "/")
    assert block.index(uri_to_iri(second.get_absolute_url())) < block.index(
        uri_to_iri(first.get_absolute_url())
    )
