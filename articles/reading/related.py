"""Related stories for an article page: shared tags first, then the same section."""

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, TaggedArticle
from articles.models.unions import ids_of_any
from articles.reading.compiled import rows
from articles.reading.queries import card_values
from articles.reading.stories import Card

RELATED_COUNT = 4
# How many of each tag's latest stories compete for a place among the related ones.
RECENT_PER_TAG = 50


def related_articles(story, *, tags: list | None = None, limit: int = RELATED_COUNT) -> list[Card]:
    """Up to `limit` published stories in one query, whatever the size of the archive, when the
    caller passes the `tags` it loaded (one more to look the tags up otherwise).

    Stories sharing more of this article's tags come first (newest first among equals), chosen
    among each tag's latest stories; the rest of the list is the section's latest stories.

    Stories come as cards with their bylines nested in them (worked out for the chosen
    stories only), for the cards the article page must build.

    Every read is bounded: each tag contributes its latest stories through the (tag, story)
    index, and the section's latest come from the section index in order; the shared tags are
    counted for those few candidates only, never over every story under a big tag. The query is
    compiled once per number of tags (`compiled.rows`): building it anew cost more than
    running it (figures in bench/RESULTS.md).
    """
    if tags is None:
        tag_ids = list(
            TaggedArticle.objects.filter(content_object_id=story.pk).values_list(
                "tag_id", flat=True
            )
        )
    else:
        tag_ids = [tag.pk for tag in tags]  # the page loaded them already
    found = rows(
        _related_stories,
        shape=(limit,),
        article_id=story.pk,
        section_id=story.section_id,
        tag_ids=tag_ids,
        now=timezone.now(),
    )
    return [Card(**row) for row in found]


def _related_stories(
    *, shape: tuple[int], article_id: int, section_id: int, tag_ids: list[int], now: datetime
):
    (limit,) = shape
    candidates = Article.objects.published(now=now).exclude(pk=article_id)
    section_latest = candidates.filter(section_id=section_id).order_by("-published_at", "-pk")[
        :limit
    ]
    if not tag_ids:
        return card_values(section_latest)
    # Each tag's latest stories: a short read of the (tag, story) index per tag, so a tag on a
    # third of the paper costs no more than a rare one.
    under_tags = [
        (
            TaggedArticle.objects.filter(tag_id=tag_id).order_by("-content_object_id")[
                :RECENT_PER_TAG
            ],
            "content_object_id",
        )
        for tag_id in tag_ids
    ]
    # Counted for each candidate through the (story, tag) index: joining the tags and grouping
    # sorted every candidate's whole row (a quarter of the query's time on both databases).
    shared = Coalesce(
        Subquery(
            TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("content_object_id")
            .annotate(count=Count("*"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )
    return card_values(
        candidates.filter(pk__in=ids_of_any(*under_tags, section_latest))
        .annotate(shared=shared)
        .order_by("-shared", "-published_at", "-pk")
    )[:limit]
