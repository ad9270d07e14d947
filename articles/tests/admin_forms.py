"""Filling in the admin's article form the way a browser would, for tests."""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def changelist_url() -> str:
    return reverse("admin:articles_article_changelist")


def open_change_form(client, article: Article) -> str:
    """GET the change form as an editor would, and return the edit token it carries."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response.context["adminform"].form["opened_at"].value()


def split_datetime(prefix: str, value) -> dict:
    if value is None:
        return {f"{prefix}_0": "", f"{prefix}_1": ""}
    local = timezone.localtime(value)
    return {f"{prefix}_0": local.strftime("%Y-%m-%d"), f"{prefix}_1": local.strftime("%H:%M:%S")}


def article_form_data(article: Article, *, opened_at: str = "", **changes) -> dict:
    """Everything the change form posts for `article`, with `changes` applied."""
    values = {
        "kicker": article.kicker,
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "lead_image_alt": article.lead_image_alt,
        "lead_image_caption": article.lead_image_caption,
        "lead_image_credit": article.lead_image_credit,
        "section": article.section_id,
        "status": article.status,
        "workflow_comment": "",
        "published_at": article.published_at,
        "pinned_until": article.pinned_until,
        "is_breaking": article.is_breaking,
        "is_featured": article.is_featured,
        "is_pinned": article.is_pinned,
    }
    values.update(changes)
    data = {"opened_at": opened_at}
    for name, value in values.items():
        if name in ("published_at", "pinned_until"):
            data.update(split_datetime(name, value))
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    bylines = list(article.bylines.order_by("position"))
    data.update(
        {
            "bylines-TOTAL_FORMS": str(len(bylines)),
            "bylines-INITIAL_FORMS": str(len(bylines)),
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
        }
    )
    for index, byline in enumerate(bylines):
        data.update(
            {
                f"bylines-{index}-id": byline.pk,
                f"bylines-{index}-article": article.pk,
                f"bylines-{index}-editor": byline.editor_id,
                f"bylines-{index}-position": byline.position,
            }
        )
    return data


def save_article(client, article: Article, *, opened_at: str | None = None, **changes):
    """Open the change form (unless a token is given) and post it with `changes`."""
    if opened_at is None:
        opened_at = open_change_form(client, article)
    return client.post(
        change_url(article), article_form_data(article, opened_at=opened_at, **changes)
    )


def run_action(client, action: str, articles, **extra):
    return client.post(
        changelist_url(),
        {"action": action, "_selected_action": [a.pk for a in articles], **extra},
        follow=True,
    )


def errors_of(response) -> str:
    """All the error text a refused admin form shows."""
    adminform = response.context["adminform"]
    return " ".join(str(error) for error in adminform.form.errors.values())
