"""Queries compiled once and run with each request's values give what the ORM gives."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.reading.compiled import rows
from articles.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _section_stories(*, shape, section_ids, now):
    (count,) = shape
    return (
        Article.objects.published(now=now)
        .filter(section_id__in=section_ids)
        .order_by("-published_at", "-pk")
        .values("pk", "published_at", "is_pinned")[:count]
    )


def test_each_run_binds_its_own_values_and_converts_them_as_the_orm_does(masthead):
    economy, sport = SectionFactory(), SectionFactory()
    now = timezone.now()
    for hours, section in [(1, economy), (2, sport), (3, economy), (-2, sport)]:
        ArticleFactory(section=section, published_at=now - timedelta(hours=hours))
    for section_ids, moment in [
        ([economy.pk], now),
        ([sport.pk], now),
        ([economy.pk, sport.pk], now),
        ([sport.pk], now + timedelta(hours=3)),  # the later story has come out
    ]:
        expected = list(_section_stories(shape=(3,), section_ids=section_ids, now=moment))
        found = rows(_section_stories, shape=(3,), section_ids=section_ids, now=moment)
        assert found == expected
        assert all(isinstance(row["is_pinned"], bool) for row in found)
    assert len(rows(_section_stories, shape=(3,), section_ids=[sport.pk], now=now)) == 1


def _forgets_its_values(*, shape, section_id, now):
    return Article.objects.published().values("pk")  # each run would show the same stories


def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused(masthead):
    with pytest.raises(ValueError, match="now, section_id must reach the SQL as parameters"):
        rows(_forgets_its_values, section_id=3, now=timezone.now())
