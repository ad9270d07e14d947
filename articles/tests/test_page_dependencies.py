"""Every cached page declares what it is built from: a table it reads that none of its
dependencies vouches for (articles/pagecache/deps.py) would leave it stale when that table
changes, so each public page is built here with its queries watched."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, LiveEntry
from articles.pagecache import deps, pages
from articles.pagecache.deps import MODELS_VOUCHED_FOR, Dep, Kind
from articles.tests.caches import empty_every_cache
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    EditorFactory,
    SectionFactory,
    jpeg_upload,
)
from articles.tests.test_query_counts import tagged_and_read

TABLE_MODELS = {model._meta.db_table: model._meta.label_lower for model in apps.get_models()}
TABLE_IN_SQL = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def models_read(queries) -> set[str]:
    tables = {table for query in queries for table in TABLE_IN_SQL.findall(query["sql"])}
    return {TABLE_MODELS[table] for table in tables if table in TABLE_MODELS}


def undeclared(models: set[str], dependency_names) -> set[str]:
    """The models read that none of these dependencies (as pages store them) vouches for."""
    kinds = {Kind(name.split(":")[0]) for name in dependency_names}
    vouched = set().union(*(MODELS_VOUCHED_FOR[kind] for kind in kinds))
    return models - vouched


@pytest.fixture
def stored_dependencies(monkeypatch):
    """The dependency names of every page stored during the test."""
    stored = []
    keep = pages._store_page

    def recording(request, built_from, *args, **kwargs):
        stored.append(set(built_from))
        return keep(request, built_from, *args, **kwargs)

    monkeypatch.setattr(pages, "_store_page", recording)
    return stored


PAGES = [
    "home",
    "section",
    "article",
    "editor",
    "tag",
    "search",
    "search_suggestion",
    "feed_rss",
    "section_atom",
    "editor_rss",
    "sitemap",
    "sitemap_articles",
    "news_sitemap",
    "corrections",
    "live_article",
    "live_entries",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_table_a_public_page_reads_is_one_its_dependencies_vouch_for(
    client, masthead, stored_dependencies, page
):
    section, editor = SectionFactory(), EditorFactory()
    first = ArticleFactory(section=section, authors=[editor], lead_image=jpeg_upload())
    second = ArticleFactory(section=section, authors=[editor])
    tagged_and_read([first, second], "الناتو")
    CorrectionFactory(article=first)
    if page.startswith("live_"):
        Article.objects.filter(pk=first.pk).update(live_started_at=timezone.now())
        LiveEntry.objects.create(
            article=first,
            body="<p>تدوينة</p>",
            author=editor,
            state=LiveEntry.State.PUBLISHED,
            posted_at=timezone.now(),
        )
    url = {
        "live_article": first.get_absolute_url(),
        "live_entries": reverse("articles:live_entries", kwargs={"pk": first.pk}),
        "corrections": reverse("articles:corrections"),
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "article": first.get_absolute_url(),
        "editor": editor.get_absolute_url(),
        "tag": first.tags.get().get_absolute_url(),
        "search": reverse("articles:search") + "?q=عنوان",
        # Finds nothing: offers «عنوان», read from the vocabulary.
        "search_suggestion": reverse("articles:search") + "?q=عنوات",
        "feed_rss": reverse("articles:feed_rss"),
        "section_atom": reverse("articles:section_atom", kwargs={"slug": section.slug}),
        "editor_rss": reverse("articles:editor_rss", kwargs={"slug": editor.slug}),
        "sitemap": reverse("articles:sitemap"),
        "sitemap_articles": reverse("articles:sitemap_section", kwargs={"section": "articles"}),
        "news_sitemap": reverse("articles:news_sitemap"),
    }[page]
    empty_every_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(stored_dependencies) == 1, "the page was stored once"
    read = models_read(captured.captured_queries)
    assert "articles.article" in read
    assert undeclared(read, stored_dependencies[0]) == set()


def test_the_manifest_reads_the_masthead_alone_which_site_vouches_for(
    client, masthead, stored_dependencies, monkeypatch
):
    # Every page the cache builds first looks up the next scheduled minute (stories); that
    # lookup is the cache's own, not what the manifest shows.
    monkeypatch.setattr(pages, "release_due_scheduled_stories", lambda *args: False)
    empty_every_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("articles:manifest")).status_code == 200
    assert len(stored_dependencies) == 1, "the manifest was stored once"
    read = models_read(captured.captured_queries)
    assert read == {"articles.masthead"}
    assert undeclared(read, stored_dependencies[0]) == set()


def test_a_page_that_forgets_a_dependency_is_caught():
    # The home page's most-read box reads the day's counts: without MOST_READ it would not move.
    read = {"articles.article", "articles.dailyreadcount", "articles.masthead"}
    assert undeclared(read, {deps.SITE.name, deps.HOME.name}) == {"articles.dailyreadcount"}
    assert undeclared(read, {deps.SITE.name, deps.HOME.name, deps.MOST_READ.name}) == set()


def test_a_dependency_cannot_be_misspelt():
    with pytest.raises(ValueError):
        Dep(Kind.SECTION)  # a section needs its slug
    with pytest.raises(ValueError):
        Dep(Kind.HOME, "x")
    with pytest.raises(TypeError):
        Dep("section", "news")
    with pytest.raises(TypeError):
        pages.bump(["section:news"])  # a bare name is refused, not silently never matched
    assert Dep.section("أخبار").name == "section:أخبار"
    assert Dep.article(12) == Dep(Kind.ARTICLE, "12")
