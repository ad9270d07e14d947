"""Related stories for an article page: shared tags first, then the same section."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from .models import Article, TaggedArticle

RELATED_COUNT = 4


def related_articles(article: Article, *, limit: int = RELATED_COUNT) -> list[Article]:
    """Up to `limit` published stories, in three queries whatever the size of the archive.

    Stories sharing more of this article's tags come first (newest first among equals); the
    rest of the list is the section's latest stories.
    """
    candidates = Article.objects.published().exclude(pk=article.pk)
    by_tags = list(
        TaggedArticle.objects.filter(
            tag__in=TaggedArticle.objects.filter(content_object=article).values("tag_id"),
            content_object__in=candidates.values("pk"),
        )
        .values("content_object")
        .annotate(shared=Count("tag"))
        .order_by("-shared", "-content_object__published_at", "-content_object")
        .values_list("content_object", flat=True)[:limit]
    )
    ordering = ["-published_at", "-pk"]
    if by_tags:
        tag_rank = Case(
            *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(by_tags)),
            default=Value(len(by_tags)),
            output_field=IntegerField(),
        )
        ordering.insert(0, tag_rank)
    return list(
        candidates.filter(Q(pk__in=by_tags) | Q(section_id=article.section_id))
        .for_listing()
        .order_by(*ordering)[:limit]
    )
