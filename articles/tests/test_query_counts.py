"""Public pages cost a fixed number of queries, however much the paper has published."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import ArticleFactory, EditorFactory, SectionFactory


def queries_for(client, url) -> int:
    """Queries to build the page from scratch (the shared page cache emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow_the_paper(section, editor, count):
    for other_section in SectionFactory.create_batch(2):
        ArticleFactory.create_batch(count, section=other_section, authors=[editor])
    ArticleFactory.create_batch(count, section=section, authors=[editor, EditorFactory()])
    # The home page's editorial controls grow too: breaking news, picks, another pinned lead.
    ArticleFactory.create_batch(count, section=section, authors=[editor], is_breaking=True)
    ArticleFactory.create_batch(count, section=section, authors=[editor], is_featured=True)
    ArticleFactory(section=section, authors=[editor], is_pinned=True)


@pytest.mark.parametrize("page", ["home", "section", "article", "editor"])
def test_public_page_query_count_does_not_grow_with_content(client, masthead, page):
    section = SectionFactory()
    editor = EditorFactory()
    article = ArticleFactory(
        section=section, authors=[editor], is_breaking=True, is_featured=True, is_pinned=True
    )
    url = {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "editor": editor.get_absolute_url(),
    }[page]

    small = queries_for(client, url)
    grow_the_paper(section, editor, count=12)
    large = queries_for(client, url)

    assert large == small, f"{page}: {small} queries with 1 article, {large} with 62"
    assert small <= 9
