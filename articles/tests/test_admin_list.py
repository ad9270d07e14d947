"""The article list's columns: dates written the Arabic way, state and home-page flags as chips,
the filters in a panel above the table, and no query per row."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticleFactory, EditorFactory

CAIRO = ZoneInfo("Africa/Cairo")
pytestmark = pytest.mark.django_db


def article_list(client, query=""):
    return client.get(reverse("admin:articles_article_changelist") + query).content.decode()


def test_list_dates_read_day_month_year_and_time_never_month_first(staff_client, section, masthead):
    ArticleFactory(section=section, published_at=datetime(2026, 12, 1, 18, 5, tzinfo=CAIRO))
    html = article_list(staff_client)
    assert "<span>1 ديسمبر 2026</span>، <span>18:05</span>" in html
    assert 'datetime="2026-12-01T18:05+02:00"' in html
    assert "ديسمبر 1," not in html


def test_list_shows_the_state_and_home_page_flags_as_chips_in_one_column(
    staff_client, section, masthead
):
    ArticleFactory(section=section, is_breaking=True, is_featured=True)
    html = article_list(staff_client)
    assert '<span class="newsroom-chip newsroom-chip--published">منشور</span>' in html
    assert '<span class="newsroom-chip newsroom-chip--breaking">عاجل</span>' in html
    assert '<span class="newsroom-chip newsroom-chip--featured">مميز</span>' in html
    assert "column-home_flags" not in html


def test_filters_sit_in_a_panel_above_the_table_and_say_when_one_is_on(
    staff_client, section, masthead
):
    ArticleFactory(section=section)
    html = article_list(staff_client)
    assert html.index('id="newsroom-filters"') < html.index('id="result_list"')
    assert "(مفعّلة)" not in html
    assert "(مفعّلة)" in article_list(staff_client, "?state=published")


def test_list_columns_cost_no_query_per_story(staff_client, section, masthead):
    def queries_for_the_list():
        article_list(staff_client)  # warms what the writes before it made stale (the masthead)
        with CaptureQueriesContext(connection) as queries:
            article_list(staff_client)
        return len(queries)

    ArticleFactory(section=section, authors=[EditorFactory()], is_breaking=True)
    one_story = queries_for_the_list()
    for _ in range(6):
        ArticleFactory(section=section, authors=[EditorFactory(), EditorFactory()], is_pinned=True)
    assert queries_for_the_list() == one_story
