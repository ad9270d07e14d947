"""What the desk sees first: the queues on the admin's front page."""

from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import Article, ArticleTransition

Status = Article.Status
QUEUE_LENGTH = 15


def start_of_today(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def desk_queues(*, user) -> dict:
    """My drafts, stories waiting for review, the scheduling queue and today's published."""
    articles = Article.objects.select_related("section")
    last_note = ArticleTransition.objects.filter(article=OuterRef("pk")).order_by("-at", "-pk")
    my_drafts = (
        articles.owned_by(user)
        .filter(status=Status.DRAFT)
        .annotate(
            last_move_to=Subquery(last_note.values("to_status")[:1]),
            last_note=Subquery(last_note.values("comment")[:1]),
        )
        .order_by("-updated_at")
    )
    in_review = articles.filter(status=Status.REVIEW).order_by("updated_at")
    if not user.has_perm("articles.edit_others_article"):
        in_review = in_review.owned_by(user)
    return {
        "my_drafts": list(my_drafts[:QUEUE_LENGTH]),
        "in_review": list(in_review[:QUEUE_LENGTH]),
        "scheduled": list(articles.scheduled()[:QUEUE_LENGTH]),
        "published_today": list(
            articles.published()
            .filter(published_at__gte=start_of_today())
            .order_by("-published_at")[:QUEUE_LENGTH]
        ),
    }
