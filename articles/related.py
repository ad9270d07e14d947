"""Related stories for an article page: shared tags first, then the same section."""

from django.db.models import Case, Count, IntegerField, Value, When

from .models import Article, TaggedArticle
from .models.articles import ids_of_any

RELATED_COUNT = 4


def related_articles(
    article: Article, *, tags: list | None = None, limit: int = RELATED_COUNT
) -> list[Article]:
    """Up to `limit` published stories, in three queries whatever the size of the archive (two
    for a story without tags, when the caller passes the `tags` it loaded).

    Stories sharing more of this article's tags come first (newest first among equals); the
    rest of the list is the section's latest stories.

    Both reads are short walks of an index: the tag query starts from this article's tags and
    joins each tagged story to the published rule, and the section's latest come from the
    section index in order. Filtering tags against a list of every published id instead made
    the database list the whole archive for every cold article page.
    """
    candidates = Article.objects.published().exclude(pk=article.pk)
    if tags is None:
        tag_ids = TaggedArticle.objects.filter(content_object=article).values("tag_id")
    else:
        tag_ids = [tag.pk for tag in tags]  # the page loaded them already
    by_tags = (
        list(
            candidates.filter(tagged_items__tag__in=tag_ids)
            .annotate(shared=Count("tagged_items"))
            .order_by("-shared", "-published_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )
        if tags is None or tag_ids
        else []
    )
    section_latest = candidates.filter(section_id=article.section_id).order_by(
        "-published_at", "-pk"
    )[:limit]
    if not by_tags:
        return list(section_latest.for_cards())
    tag_rank = Case(
        *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(by_tags)),
        default=Value(len(by_tags)),
        output_field=IntegerField(),
    )
    return list(
        candidates.filter(pk__in=ids_of_any(candidates.filter(pk__in=by_tags), section_latest))
        .for_cards()
        .order_by(tag_rank, "-published_at", "-pk")[:limit]
    )
