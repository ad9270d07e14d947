"""Public pages cost a fixed number of queries, however much the paper has published."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import DailyReadCount
from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory, jpeg_upload

# Each public page's query budget when built from scratch (served from the page cache, it
# costs none). The budgets hold whatever the amount of content: the tests grow the paper.
BUDGETS = {
    # The home page and the section, editor and tag pages list their stories as placements,
    # and read as cards only those whose card is not kept (one query, here with every card to
    # build; none when all are kept).
    "home": 9,
    "section": 8,
    # The article page: the frame's three, the next scheduled minute, the story, its related
    # stories, and the side rail's newest and most-read stories (one query, kept as one piece
    # for every article page: none when another article page built it already).
    "article": 7,
    # A live story's page: the article page's, and its published entries (one query however
    # many). Its endpoint: the next scheduled minute, the story's coverage, its entries and the
    # masthead (for the entries' digits).
    "live_article": 8,
    "live_entries": 4,
    "editor": 8,
    "tag": 8,
    "search": 6,
    # Sorted by date within a range of days: the same one query for the ids.
    "search_newest_in_range": 6,
    # A query that finds nothing: the ids (none, so no hits to read), then the suggestion's
    # three: the vocabulary (kept until a public story changes), which close words published
    # stories hold, and the corrected query.
    "search_suggestion": 8,
    "short_link": 1,
    # Every note of the published stories: the frame's three, the next scheduled minute, the
    # count and the page's notes with their stories' headlines.
    "corrections": 6,
    "feed_rss": 3,
    "feed_atom": 3,
    "section_rss": 4,
    "section_atom": 4,
    "editor_rss": 4,
    "editor_atom": 4,
    "sitemap": 8,
    "sitemap_articles": 4,
    "sitemap_sections": 4,
    "sitemap_editors": 4,
    "news_sitemap": 3,
    "robots": 1,
    # The web app manifest: the masthead, and the next scheduled minute as every page the page
    # cache builds.
    "manifest": 2,
    # The 404 and 410 pages: the frame's three, the latest headlines (one, kept until a public
    # story changes); a 410 adds the lookup of the story and the check that it was withdrawn, at
    # its full address also the next scheduled minute, as every page the page cache builds.
    "not_found": 4,
    "gone": 7,
    "short_link_gone": 6,
}


def queries_for(client, url, expected_status=200) -> int:
    """Queries to build the page from scratch (the shared page cache emptied first)."""
    empty_every_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == expected_status
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
    ArticleFactory(section=section, authors=[editor])  # a neighbour, so lists are not empty
    url = {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "editor": editor.get_absolute_url(),
    }[page]

    small = queries_for(client, url)
    grow_the_paper(section, editor, count=12)
    large = queries_for(client, url)

    assert large == small, f"{page}: {small} queries with 2 articles, {large} with 38"
    assert small <= BUDGETS[page], f"{page}: {small} queries, budget {BUDGETS[page]}"


def tagged_and_read(articles, tag):
    """Give every article the tag and a day of reads, so tag, related and most-read lists fill."""
    today = timezone.localdate()
    for position, article in enumerate(articles, start=1):
        article.tags.add(tag)
        DailyReadCount.objects.create(article=article, day=today, count=position)


NEW_PAGES = [
    "tag",
    "search",
    "short_link",
    "feed_rss",
    "feed_atom",
    "section_rss",
    "section_atom",
    "editor_rss",
    "editor_atom",
    "sitemap",
    "sitemap_articles",
    "sitemap_sections",
    "sitemap_editors",
    "news_sitemap",
    "robots",
    "manifest",
    "home",
    "section",
    "article",
    "corrections",
]


@pytest.mark.parametrize("page", NEW_PAGES)
def test_pages_of_search_tags_feeds_and_sitemaps_cost_a_fixed_number_of_queries(
    client, masthead, page
):
    section, editor = SectionFactory(), EditorFactory()
    first = ArticleFactory(section=section, authors=[editor], lead_image=jpeg_upload())
    second = ArticleFactory(section=section, authors=[editor])
    tagged_and_read([first, second], "الناتو")
    tag = first.tags.get()
    url = {
        "tag": tag.get_absolute_url(),
        "search": reverse("articles:search") + "?q=عنوان",
        "short_link": reverse("articles:short_link", kwargs={"pk": first.pk}),
        "feed_rss": reverse("articles:feed_rss"),
        "feed_atom": reverse("articles:feed_atom"),
        "section_rss": reverse("articles:section_rss", kwargs={"slug": section.slug}),
        "section_atom": reverse("articles:section_atom", kwargs={"slug": section.slug}),
        "editor_rss": reverse("articles:editor_rss", kwargs={"slug": editor.slug}),
        "editor_atom": reverse("articles:editor_atom", kwargs={"slug": editor.slug}),
        "sitemap": reverse("articles:sitemap"),
        "sitemap_articles": reverse("articles:sitemap_section", kwargs={"section": "articles"}),
        "sitemap_sections": reverse("articles:sitemap_section", kwargs={"section": "sections"}),
        "sitemap_editors": reverse("articles:sitemap_section", kwargs={"section": "editors"}),
        "news_sitemap": reverse("articles:news_sitemap"),
        "robots": reverse("articles:robots"),
        "manifest": reverse("articles:manifest"),
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "article": first.get_absolute_url(),
        "corrections": reverse("articles:corrections"),
    }[page]
    expected_status = 301 if page == "short_link" else 200

    def count() -> int:
        return queries_for(client, url, expected_status)

    small = count()
    for other_section in [section, *SectionFactory.create_batch(2)]:
        grown = ArticleFactory.create_batch(
            12, section=other_section, authors=[editor, EditorFactory()], lead_image=jpeg_upload()
        )
        tagged_and_read(grown, "الناتو")
        grown[0].tags.add("باكستان")
    large = count()

    assert large == small, f"{page}: {small} queries with 2 articles, {large} with 38"
    assert small <= BUDGETS[page], f"{page}: {small} queries, budget {BUDGETS[page]}"


@pytest.mark.parametrize("page", ["not_found", "gone", "short_link_gone"])
def test_not_found_and_gone_pages_cost_a_fixed_number_of_queries(client, masthead, page):
    section, editor = SectionFactory(), EditorFactory()
    ArticleFactory(section=section, authors=[editor])
    withdrawn = ArticleFactory(section=section, authors=[editor], withdrawn=True)
    ArticleFactory(section=section, authors=[editor], draft=True)
    url, status = {
        "not_found": ("/لا-يوجد/", 404),
        "gone": (withdrawn.get_absolute_url(), 410),
        "short_link_gone": (reverse("articles:short_link", kwargs={"pk": withdrawn.pk}), 410),
    }[page]

    small = queries_for(client, url, status)
    grow_the_paper(section, editor, count=12)
    large = queries_for(client, url, status)

    assert large == small, f"{page}: {small} queries with 3 articles, {large} with 40"
    assert small <= BUDGETS[page], f"{page}: {small} queries, budget {BUDGETS[page]}"


@pytest.mark.parametrize("page", ["search_newest_in_range", "search_suggestion"])
def test_search_by_date_and_a_suggestion_cost_a_fixed_number_of_queries(client, masthead, page):
    section, editor = SectionFactory(), EditorFactory()
    ArticleFactory(
        section=section, authors=[editor], headline="عنوان عن كورونا", lead_image=jpeg_upload()
    )
    today = timezone.localdate().isoformat()
    params = {
        "search_newest_in_range": {"q": "عنوان", "sort": "newest", "from": today, "to": today},
        "search_suggestion": {"q": "كرونا"},
    }[page]
    url = f"{reverse('articles:search')}?{urlencode(params)}"

    small = queries_for(client, url)
    # More stories, more words in the vocabulary and more of them close to the query's.
    for headline in ["عنوان عن كورونا", "عنوان عن كرونة", "عنوان عن كرنا", "عنوان عن قرونا"]:
        ArticleFactory.create_batch(
            6, section=section, authors=[editor], headline=headline, lead_image=jpeg_upload()
        )
    ArticleFactory(section=section, headline="عنوان عن كرونو", draft=True)
    large = queries_for(client, url)

    assert large == small, f"{page}: {small} queries with 1 article, {large} with 25"
    assert small <= BUDGETS[page], f"{page}: {small} queries, budget {BUDGETS[page]}"
