"""A reader who lands on a missing or withdrawn story is offered search and the latest news."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from articles.reading import queries
from articles.tests.factories import ArticleFactory
from articles.web.views import ERROR_PAGE_LATEST_COUNT

pytestmark = pytest.mark.django_db


@pytest.fixture
def newest(section, masthead):
    now = timezone.now()
    stories = [
        ArticleFactory(
            section=section,
            headline=f"خبر منشور رقم {n}",
            kicker="متابعة",
            published_at=now - timedelta(minutes=n),
        )
        for n in range(1, ERROR_PAGE_LATEST_COUNT + 3)
    ]
    return sorted(stories, key=lambda s: (-s.published_at.timestamp(), -s.pk))


def assert_offers_search_and_latest(response, newest):
    html = response.content.decode()
    assert 'role="search"' in html and 'id="error-search-q"' in html
    assert f'action="{reverse("articles:search")}"' in html
    assert "آخر الأخبار" in html
    for story in newest[:ERROR_PAGE_LATEST_COUNT]:
        assert story.headline in html
        assert iri_to_uri(story.get_absolute_url()) in iri_to_uri(html)
    # The newest ones, and no more than the page shows.
    for story in newest[ERROR_PAGE_LATEST_COUNT:]:
        assert story.headline not in html


def test_not_found_page_offers_search_and_latest_stories(client, newest):
    response = client.get("/لا-يوجد/")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()
    assert_offers_search_and_latest(response, newest)


def test_a_missing_story_answers_the_not_found_page_with_the_latest_stories(client, newest):
    response = client.get(reverse("articles:article", kwargs={"pk": 999999, "slug": "x"}))
    assert response.status_code == 404
    assert_offers_search_and_latest(response, newest)


def test_gone_page_offers_search_and_latest_stories(client, newest, section):
    withdrawn = ArticleFactory(section=section, withdrawn=True, headline="خبر سحبته الصحيفة")
    response = client.get(withdrawn.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "سُحب هذا الخبر" in html
    assert withdrawn.headline not in html
    assert_offers_search_and_latest(response, newest)


def test_the_short_link_of_a_withdrawn_story_answers_410(client, section, masthead):
    withdrawn = ArticleFactory(section=section, withdrawn=True)
    response = client.get(reverse("articles:short_link", kwargs={"pk": withdrawn.pk}))
    assert response.status_code == 410
    assert "سُحب هذا الخبر" in response.content.decode()
    # A story that never existed, or was never published, is still missing, not gone.
    draft = ArticleFactory(section=section, draft=True)
    for pk in (draft.pk, 999999):
        assert client.get(reverse("articles:short_link", kwargs={"pk": pk})).status_code == 404


def test_error_pages_never_list_a_draft_scheduled_or_withdrawn_story(client, section, masthead):
    published = ArticleFactory(section=section, headline="خبر منشور للقراء")
    hidden = [
        ArticleFactory(section=section, draft=True, headline="مسودة سرية لم تنشر"),
        ArticleFactory(section=section, in_review=True, headline="خبر قيد المراجعة"),
        ArticleFactory(section=section, scheduled=True, headline="خبر مجدول لم يحن موعده"),
        ArticleFactory(section=section, withdrawn=True, headline="خبر مسحوب من النشر"),
    ]
    for url in ["/لا-يوجد/", hidden[-1].get_absolute_url()]:
        html = client.get(url).content.decode()
        assert published.headline in html
        for story in hidden:
            assert story.headline not in html


def test_a_story_withdrawn_after_a_404_leaves_the_next_404s_list(client, section, masthead):
    story = ArticleFactory(section=section, headline="خبر سيسحب بعد قليل")
    assert story.headline in client.get("/لا-يوجد/").content.decode()
    story.status = story.Status.WITHDRAWN
    story.save()
    assert story.headline not in client.get("/لا-يوجد-ايضا/").content.decode()


def test_latest_headlines_are_the_newest_first(newest):
    shown = queries.latest_headlines(limit=3)
    assert [story.pk for story in shown] == [story.pk for story in newest[:3]]
