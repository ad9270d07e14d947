"""Editors choose the lead story, breaking news and picks; the home page follows."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.encoding import uri_to_iri

from articles import workflow
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def lead_html(response) -> str:
    """The lead-story block of the home page (works for pages served from the cache too)."""
    html = response.content.decode()
    start = html.index('aria-label="الخبر الرئيسي"')
    return html[start : html.index("</section>", start)]


def strip_of(html: str) -> str:
    if 'class="breaking-strip"' not in html:
        return ""
    start = html.index('class="breaking-strip"')
    return html[start : html.index("</section>", start)]


def test_pinned_story_leads_the_home_page_over_newer_ones(client, section, masthead, desk_editor):
    older = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=1))
    newest = ArticleFactory(section=section)
    assert newest.headline in lead_html(client.get("/"))
    workflow.article_pin(article=older, by=desk_editor)
    response = client.get("/")
    assert older.headline in lead_html(response)
    assert newest.headline in response.content.decode()


def test_pin_expires_at_its_time(client, section, masthead, desk_editor, time_machine):
    older = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=1))
    newest = ArticleFactory(section=section)
    workflow.article_pin(
        article=older, by=desk_editor, until=timezone.now() + timedelta(minutes=20)
    )
    assert older.headline in lead_html(client.get("/"))
    assert older.headline in lead_html(client.get("/"))  # served from the page cache now
    time_machine.move_to(timezone.now() + timedelta(minutes=21))
    assert newest.headline in lead_html(client.get("/"))  # the cached page expired with the pin


def test_pinned_draft_never_reaches_the_home_page(client, section, masthead, desk_editor):
    draft = ArticleFactory(section=section, draft=True)
    live = ArticleFactory(section=section)
    workflow.article_pin(article=draft, by=desk_editor)
    response = client.get("/")
    assert live.headline in lead_html(response)
    assert draft.headline not in response.content.decode()


def test_breaking_strip_shows_while_the_story_is_young_then_disappears(
    client, section, masthead, desk_editor, settings, time_machine
):
    settings.NEWSROOM_BREAKING_MAX_AGE_MINUTES = 30
    story = ArticleFactory(section=section, published_at=timezone.now() - timedelta(minutes=5))
    assert strip_of(client.get("/").content.decode()) == ""
    workflow.article_set_breaking(article=story, by=desk_editor)
    strip = strip_of(client.get("/").content.decode())
    assert "عاجل" in strip and story.headline in strip
    assert uri_to_iri(story.get_absolute_url()) in strip
    time_machine.move_to(story.published_at + timedelta(minutes=31))
    assert strip_of(client.get("/").content.decode()) == ""


def test_breaking_strip_never_shows_an_unpublished_story(client, section, masthead, desk_editor):
    draft = ArticleFactory(section=section, draft=True, is_breaking=True)
    queued = ArticleFactory(section=section, scheduled=True, is_breaking=True)
    ArticleFactory(section=section)
    html = client.get("/").content.decode()
    assert draft.headline not in html and queued.headline not in html
    assert strip_of(html) == ""


def test_breaking_age_defaults_to_two_hours(settings):
    assert settings.NEWSROOM_BREAKING_MAX_AGE_MINUTES == 120


def test_featured_stories_appear_among_the_editors_picks(client, section, masthead, desk_editor):
    old = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=5))
    ArticleFactory.create_batch(12, section=section)
    workflow.article_set_featured(article=old, by=desk_editor)
    html = client.get("/").content.decode()
    picks = html[html.index('class="editors-picks"') :]
    assert old.headline in picks[: picks.index("</section>")]
