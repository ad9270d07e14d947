"""The admin's front page is the desk's dashboard, with the app list kept below."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def section_of(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</div>", start)]


def test_dashboard_shows_my_drafts_review_queue_schedule_and_todays_stories(
    client_of, desk_editor, reporter, section, masthead
):
    mine = ArticleFactory(section=section, draft=True, authors=[desk_editor.editor_profile])
    someone_elses = ArticleFactory(section=section, draft=True, headline="مسودة غيري")
    waiting = ArticleFactory(section=section, in_review=True, headline="ينتظر المراجعة")
    at = timezone.now() + timedelta(hours=3)
    queued = ArticleFactory(section=section, scheduled=True, published_at=at, headline="مجدول")
    today = ArticleFactory(section=section, published_at=timezone.now() - timedelta(minutes=5))
    old = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=3))

    response = client_of(desk_editor).get(reverse("admin:index"))
    html = response.content.decode()
    drafts = section_of(html, "queue-my-drafts")
    assert mine.headline in drafts and someone_elses.headline not in drafts
    assert reverse("admin:articles_article_change", args=[mine.pk]) in drafts
    assert waiting.headline in section_of(html, "queue-review")
    scheduled = section_of(html, "queue-scheduled")
    assert queued.headline in scheduled
    assert timezone.localtime(at).strftime("%H:%M") in scheduled
    published = section_of(html, "queue-published-today")
    assert today.headline in published and old.headline not in published
    assert 'id="content-main"' in html and "app-articles" in html  # the app list stays


def test_reporter_sees_why_her_story_came_back(client_of, reporter, desk_editor, reporters_draft):
    workflow.article_submit(article=reporters_draft, by=reporter)
    workflow.article_send_back(article=reporters_draft, by=desk_editor, comment="أضيفي المصدر")
    html = client_of(reporter).get(reverse("admin:index")).content.decode()
    assert "أُعيد إليك: «أضيفي المصدر»" in section_of(html, "queue-my-drafts")


def test_reporter_review_queue_lists_only_her_own_stories(client_of, reporter, section, masthead):
    ArticleFactory(
        section=section, in_review=True, authors=[reporter.editor_profile], headline="لي"
    )
    ArticleFactory(section=section, in_review=True, headline="لغيري")
    review = section_of(
        client_of(reporter).get(reverse("admin:index")).content.decode(), "queue-review"
    )
    assert "لي" in review and "لغيري" not in review
