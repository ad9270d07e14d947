"""Cached public pages are fast and never stale: each change purges exactly what it affects."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import uri_to_iri

from articles.models import Article, Masthead
from articles.tests.conftest import REDIS_TEST_URL
from articles.tests.factories import ArticleFactory, SectionFactory
from newsroom.redis_cache import RedisCache


@pytest.fixture(params=["diskcache", "redis"])
def shared_cache(request, settings):
    """Every caching test runs on the embedded default (diskcache) and on the local Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    for alias in settings.CACHES:
        caches[alias].clear()
    yield request.param
    for alias in settings.CACHES:
        caches[alias].clear()


def page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.fixture
def home_cached(client, published_article, shared_cache):
    page(client, "/")
    response, queries = page(client, "/")
    assert queries == 0, "the second view of the home page should come from the cache"
    return response


@pytest.mark.django_db
def test_second_view_of_each_public_page_runs_no_query(client, published_article, shared_cache):
    editor = published_article.authors.first()
    for url in [
        "/",
        published_article.section.get_absolute_url(),
        published_article.get_absolute_url(),
        editor.get_absolute_url(),
    ]:
        first, _ = page(client, url)
        again, queries = page(client, url)
        assert queries == 0, url
        assert again.content == first.content


@pytest.mark.django_db
def test_with_the_page_cache_off_no_page_is_kept(client, section, masthead, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    caches["default"].clear()
    stories = ArticleFactory.create_batch(3, section=section)
    for url in ["/", section.get_absolute_url(), *(story.get_absolute_url() for story in stories)]:
        assert client.get(url).status_code == 200
    # Process memory holds a fixed number of entries: kept pages would push out the header's
    # pieces and the story cards that cold pages are built from.
    kept = [key for key in caches["default"]._cache if ":newsroom:page:" in key]
    assert kept == []


@pytest.mark.django_db
def test_publishing_a_story_shows_it_at_once_on_cached_pages(client, home_cached, section):
    draft = ArticleFactory(section=section, draft=True, headline="خبر ينشر الآن")
    assert "خبر ينشر الآن" not in page(client, "/")[0].content.decode()

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert "خبر ينشر الآن" in page(client, "/")[0].content.decode()
    assert "خبر ينشر الآن" in page(client, section.get_absolute_url())[0].content.decode()


@pytest.mark.django_db
def test_cached_search_results_follow_every_publication_and_withdrawal(
    client, published_article, shared_cache
):
    url = reverse("articles:search") + "?q=" + quote("زلزال")
    assert "لا توجد نتائج" in page(client, url)[0].content.decode()
    assert page(client, url)[1] == 0  # cached
    story = ArticleFactory(section=published_article.section, headline="خبر الزلزال")
    assert uri_to_iri(story.get_absolute_url()) in page(client, url)[0].content.decode()
    story.status = Article.Status.DRAFT
    story.save()
    assert story.get_absolute_url() not in page(client, url)[0].content.decode()


@pytest.mark.django_db
def test_unpublished_story_vanishes_from_every_cached_page(client, published_article, shared_cache):
    urls = ["/", published_article.section.get_absolute_url()]
    for url in [*urls, published_article.get_absolute_url()]:
        page(client, url)

    published_article.status = Article.Status.DRAFT
    published_article.save()

    for url in urls:
        assert published_article.headline not in page(client, url)[0].content.decode(), url
    assert page(client, published_article.get_absolute_url())[0].status_code == 404


@pytest.mark.django_db
def test_editing_a_published_headline_updates_its_page(client, published_article, shared_cache):
    page(client, published_article.get_absolute_url())
    published_article.headline = "عنوان مصحح"
    published_article.save()
    assert "عنوان مصحح" in page(client, published_article.get_absolute_url())[0].content.decode()


@pytest.mark.django_db
def test_editing_a_draft_leaves_cached_reader_pages_alone(client, draft_article, home_cached):
    draft_article.headline = "تعديل في مسودة"
    draft_article.save()
    assert page(client, "/")[1] == 0


@pytest.mark.django_db
def test_news_in_one_section_leaves_another_sections_cached_page_alone(
    client, published_article, shared_cache
):
    other = SectionFactory(name="رياضة")
    ArticleFactory(section=other)
    page(client, other.get_absolute_url())
    ArticleFactory(section=published_article.section, authors=published_article.authors.all())
    assert page(client, other.get_absolute_url())[1] == 0


@pytest.mark.django_db
def test_masthead_change_reaches_every_cached_page(client, published_article, shared_cache):
    urls = ["/", published_article.get_absolute_url()]
    for url in urls:
        page(client, url)
    masthead = Masthead.load()
    masthead.chief_role_label = "رئيس التحرير"
    masthead.save()
    for url in urls:
        assert "رئيس التحرير: محمد الباز" in page(client, url)[0].content.decode(), url


@pytest.mark.django_db
def test_scheduled_story_appears_at_its_minute_while_pages_are_cached(
    client, published_article, shared_cache, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    scheduled = ArticleFactory(
        section=published_article.section,
        authors=published_article.authors.all(),
        headline="خبر مجدول",
        published_at=timezone.now() + timedelta(minutes=10),
    )
    assert "خبر مجدول" not in page(client, "/")[0].content.decode()
    assert page(client, "/")[1] == 0  # cached

    time_machine.shift(timedelta(minutes=10, seconds=1))

    assert "خبر مجدول" in page(client, "/")[0].content.decode()
    assert page(client, scheduled.get_absolute_url())[0].status_code == 200


def test_a_page_that_changes_by_itself_leaves_every_cache_on_time(
    client, published_article, shared_cache, time_machine, desk_editor
):
    from articles import workflow

    time_machine.move_to(timezone.now(), tick=False)
    older = ArticleFactory(
        section=published_article.section,
        headline="خبر مثبت",
        published_at=timezone.now() - timedelta(days=1),
    )
    workflow.article_pin(article=older, by=desk_editor, until=timezone.now() + timedelta(minutes=5))

    def lead_story() -> str:
        html = page(client, "/")[0].content.decode()
        start = html.index('aria-label="الخبر الرئيسي"')
        return html[start : html.index("</section>", start)]

    assert "خبر مثبت" in lead_story()
    assert page(client, "/")[1] == 0  # cached (and, on Redis, copied into this process)

    time_machine.shift(timedelta(minutes=5, seconds=1))

    assert "خبر مثبت" not in lead_story()


@pytest.mark.django_db
def test_pages_answer_conditional_requests_with_304(client, published_article, shared_cache):
    first = client.get(published_article.get_absolute_url())
    assert first.has_header("Last-Modified")
    by_etag = client.get(published_article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304
    by_date = client.get(
        published_article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert by_date.status_code == 304


@pytest.mark.django_db
def test_readers_get_cdn_friendly_headers_and_staff_always_fresh_pages(
    staff_client, published_article, shared_cache
):
    reader = Client().get("/")
    assert "public" in reader["Cache-Control"]
    assert "s-maxage=" in reader["Cache-Control"]

    staff_client.get("/")
    Article.objects.filter(pk=published_article.pk).update(headline="تغيير مباشر في القاعدة")
    staff = staff_client.get("/")
    assert "no-store" in staff["Cache-Control"]
    assert "private" in staff["Cache-Control"]
    assert "تغيير مباشر في القاعدة" in staff.content.decode()


@pytest.mark.django_db
def test_a_page_built_before_the_change_commits_is_not_served_after_it(
    client, published_article, shared_cache, django_capture_on_commit_callbacks
):
    url = published_article.get_absolute_url()
    with django_capture_on_commit_callbacks() as on_commit:
        published_article.headline = "عنوان بعد الحفظ"
        published_article.save()
        # A reader asks while the editor's transaction is still open: the page built now stands
        # for what other connections see, the state before the commit.
        page(client, url)
        assert page(client, url)[1] == 0, "cached for now"
    assert on_commit, "the purge waits for the commit too"
    for callback in on_commit:
        callback()  # the commit
    assert page(client, url)[1] > 0, "the page cached before the commit is rebuilt"


def test_the_redis_cache_reuses_one_client_for_every_call():
    backend = RedisCache(REDIS_TEST_URL, {})
    assert backend._cache.get_client() is backend._cache.get_client(write=True)


@pytest.mark.django_db
def test_a_page_kept_for_one_host_never_answers_for_another(
    client, published_article, shared_cache, settings
):
    settings.ALLOWED_HOSTS = ["news.example.com", "akhbar.example.com"]
    url = published_article.get_absolute_url()
    first = client.get(url, HTTP_HOST="news.example.com").content.decode()
    assert 'href="http://news.example.com/article/' in first
    second, queries = page_on_host(client, url, "akhbar.example.com")
    assert 'href="http://akhbar.example.com/article/' in second
    assert "news.example.com" not in second
    assert queries > 0  # built for its own host, not taken from the first's


def page_on_host(client, url, host):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST=host)
    return response.content.decode(), len(queries)
