"""Links that show an unpublished article to someone without an account, for a while.

A link is a row (`SharePreviewLink`) named by a random token; only the token's hash is stored,
so the link itself is shown once, to the editor who makes it. It works for
`NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS` (48 by default) unless the desk revokes it first, and the
workflow ends every link of a story when the story is published, withdrawn or sent back to
draft (`articles/workflow.py`); deleting the story deletes its links. Nothing is signed with
SECRET_KEY, so a leaked or public key opens no story.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import events
from articles.models import Article, SharePreviewLink

User = AbstractBaseUser | AnonymousUser

PERMISSION = "articles.share_preview"
REFUSAL = "إنشاء روابط المعاينة للمشاركة وإنهاؤها من عمل محرري الديسك."
REVOKED_BY_HAND = "أنهاه محرر"
# 32 random bytes, URL-safe base64 without padding.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# A link is made only for a story on its way to readers: once out or taken down, it has none.
SHAREABLE_STATUSES = frozenset(
    {Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.SCHEDULED}
)


class PreviewLinkEnded(Exception):
    """The link was genuine but has expired or was ended."""


def max_age() -> timedelta:
    return timedelta(hours=settings.NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS)


def _check(by: User) -> None:
    if not (by.is_active and by.has_perm(PERMISSION)):
        raise PermissionDenied(REFUSAL)


def link_path(token: str) -> str:
    return reverse("articles:shared_preview", kwargs={"token": token})


@events.announces_refusals("share_link_create")
@transaction.atomic
def share_link_create(*, article: Article, by: User) -> tuple[SharePreviewLink, str]:
    """A new link to `article` and its path, the only time the path can be known."""
    _check(by)
    if article.effective_status not in SHAREABLE_STATUSES:
        raise ValidationError(
            f"لا يُنشأ رابط معاينة لخبر حالته «{article.get_effective_status_display()}».",
            code="not_shareable",
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = SharePreviewLink.objects.create(
        article=article,
        token_hash=SharePreviewLink.hash_token(token),
        created_by=by if by.is_authenticated else None,
        created_at=now,
        expires_at=now + max_age(),
    )
    events.share_link_made.send(sender=SharePreviewLink, link=link, by=by)
    return link, link_path(token)


@events.announces_refusals("share_link_revoke")
@transaction.atomic
def share_link_revoke(*, link: SharePreviewLink, by: User) -> SharePreviewLink:
    """End one link now; a link already ended or expired stays as it is."""
    _check(by)
    ended = (
        SharePreviewLink.objects.filter(pk=link.pk)
        .active()
        .update(
            revoked_at=timezone.now(),
            revoked_by=by if by.is_authenticated else None,
            revoked_reason=REVOKED_BY_HAND,
        )
    )
    link.refresh_from_db()
    if ended:
        events.share_links_ended.send(
            sender=SharePreviewLink,
            article=link.article,
            by=by,
            reason=REVOKED_BY_HAND,
            count=ended,
            link=link,
        )
    return link


def share_links_end(*, article: Article, by: User, reason: str) -> int:
    """End every link of `article` that still works (the workflow's moves call this)."""
    ended = (
        SharePreviewLink.objects.filter(article=article)
        .active()
        .update(
            revoked_at=timezone.now(),
            revoked_by=by if by.is_authenticated else None,
            revoked_reason=reason,
        )
    )
    if ended:
        events.share_links_ended.send(
            sender=SharePreviewLink, article=article, by=by, reason=reason, count=ended, link=None
        )
    return ended


def article_for_token(token: str) -> Article:
    """The article a link shows: SharePreviewLink.DoesNotExist for a token never made,
    PreviewLinkEnded for one that expired or was ended."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise SharePreviewLink.DoesNotExist
    link = SharePreviewLink.objects.get(token_hash=SharePreviewLink.hash_token(token))
    if not link.is_active():
        raise PreviewLinkEnded
    article = Article.objects.get(pk=link.article_id)
    if article.status == Article.Status.WITHDRAWN:
        # A withdrawal ends the links; this also covers one written past the workflow.
        raise PreviewLinkEnded
    return article
