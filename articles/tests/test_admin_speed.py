"""The desk's admin pages cost a fixed number of queries, however large the archive grows.

Timings are a benchmark's business (`bench/admin_pages.py`, bench/RESULTS.md); what a test can
hold is that no page reads more as the paper publishes: the same queries with 10 stories as
with 50, on the list's first and far pages, its search and filters, the dashboard and a
story's form.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin.articles import ArticleAdmin
from articles.tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
PER_PAGE = 1  # one story a page, so that a small paper already has far pages


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "list_per_page", PER_PAGE)


@pytest.fixture
def desk_user(django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw-123456789")
    EditorFactory(name="هالة محررة الديسك", user=user)
    return user


@pytest.fixture
def desk(client, desk_user):
    client.force_login(desk_user)
    return client


def publish_stories(count, *, section, desk_user):
    """`count` stories of every kind the desk's pages list: published (today and before),
    drafts and stories in review of the desk user, scheduled, flagged, each with bylines."""
    byline = desk_user.editor_profile
    now = timezone.now()
    for number in range(count):
        kind = number % 5
        ArticleFactory(
            section=section,
            headline=f"الناتو والأهلي في القاهرة {number}",
            authors=[byline, EditorFactory()] if number % 2 else None,
            is_breaking=number % 7 == 0,
            **{
                0: {"published_at": now - timedelta(minutes=number + 1)},
                1: {"published_at": now - timedelta(days=number + 1)},
                2: {"draft": True, "created_by": desk_user},
                3: {"in_review": True},
                4: {"scheduled": True},
            }[kind],
        )


def queries(client, url) -> int:
    client.get(url)  # first-request costs aside (content types, the session's first read)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def assert_same_queries_as_the_paper_grows(client, url_for, *, section, desk_user, growth=40):
    """Queries of the page with 10 stories, then with 50: equal, and listed if not."""
    publish_stories(10, section=section, desk_user=desk_user)
    small = queries(client, url_for(10))
    publish_stories(growth, section=section, desk_user=desk_user)
    url = url_for(10 + growth)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) == small, "\n".join(q["sql"][:200] for q in captured.captured_queries)


def last_page(stories: int) -> int:
    return -(-stories // PER_PAGE)


@pytest.mark.parametrize(
    "page",
    [
        "first_page",
        "far_page",
        "search",
        "search_far_page",
        "filter_published",
        "filter_draft",
        "filter_mine",
        "filter_section",
        "filter_breaking",
    ],
)
def test_article_list_costs_the_same_queries_with_10_or_50_stories(
    desk, desk_user, section, masthead, small_pages, page
):
    def url_for(stories):
        return {
            "first_page": CHANGELIST,
            # The last page: the farthest from the newest stories.
            "far_page": f"{CHANGELIST}?p={last_page(stories)}",
            "search": f"{CHANGELIST}?q=الاهلي",
            "search_far_page": f"{CHANGELIST}?q=القاهره&p={last_page(stories)}",
            "filter_published": f"{CHANGELIST}?state=published",
            "filter_draft": f"{CHANGELIST}?state=draft",
            "filter_mine": f"{CHANGELIST}?mine=1",
            "filter_section": f"{CHANGELIST}?section__id__exact={section.pk}",
            "filter_breaking": f"{CHANGELIST}?is_breaking__exact=1&p=2",
        }[page]

    assert_same_queries_as_the_paper_grows(desk, url_for, section=section, desk_user=desk_user)


def test_desk_dashboard_costs_the_same_queries_with_10_or_50_stories(
    desk, desk_user, section, masthead
):
    assert_same_queries_as_the_paper_grows(
        desk, lambda stories: reverse("admin:index"), section=section, desk_user=desk_user
    )


def test_change_form_costs_the_same_queries_with_10_or_50_stories(
    desk, desk_user, section, masthead
):
    story = ArticleFactory(section=section, authors=[desk_user.editor_profile])
    url = reverse("admin:articles_article_change", args=[story.pk])
    assert_same_queries_as_the_paper_grows(
        desk, lambda stories: url, section=section, desk_user=desk_user
    )


def test_the_list_pages_through_the_archive_newest_first_without_gaps(
    desk, desk_user, section, masthead, small_pages
):
    """Pages read ids first, then rows: every story shows once, in the list's order."""
    publish_stories(9, section=section, desk_user=desk_user)
    seen = []
    for number in range(1, last_page(9) + 1):
        response = desk.get(CHANGELIST, {"p": number})
        seen += [story.pk for story in response.context["cl"].result_list]
    from articles.models import Article

    assert seen == list(
        Article.objects.order_by("-published_at", "-pk").values_list("pk", flat=True)
    )


def test_the_list_counts_the_archive_once_and_never_with_every_column(
    desk, desk_user, section, masthead
):
    """No second count of the whole table (show_full_result_count), and the page's rows are
    read without the story's text."""
    publish_stories(5, section=section, desk_user=desk_user)
    with CaptureQueriesContext(connection) as captured:
        desk.get(CHANGELIST, {"p": 1, "q": "الناتو"})
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts
