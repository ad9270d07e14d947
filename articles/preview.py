"""Signed links that show an unpublished article to someone without an account, for a while.

A link carries the article's id, the time it was made and a signature (Django's
`TimestampSigner`, keyed by SECRET_KEY): it cannot be forged or pointed at another article, and
it stops working after `NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS` (48 by default).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Article

SALT = "articles.preview"


class PreviewLinkExpired(Exception):
    """The link was genuine but is older than the allowed age."""


def max_age() -> timedelta:
    return timedelta(hours=settings.NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS)


def preview_link(*, article: Article) -> tuple[str, datetime]:
    """The shareable path for `article` and the moment it stops working."""
    token = signing.TimestampSigner(salt=SALT).sign(str(article.pk))
    return reverse("articles:shared_preview", kwargs={"token": token}), timezone.now() + max_age()


def article_pk_from_token(token: str) -> int:
    """The article id a link points to; BadSignature if forged, PreviewLinkExpired if too old."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise PreviewLinkExpired from error
    return int(value)
