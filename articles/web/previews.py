"""What a shared link, a search engine or an aggregator sees of a page: schema.org JSON-LD.

The data are built here as plain dictionaries; templates render them with the `json_ld` tag
(articles/templatetags/newsroom.py), which escapes them for a <script> element.
"""

from datetime import datetime

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator

from articles.models import Masthead, Tag
from articles.reading.stories import LiveCoverage, Story
from articles.sanitize import body_word_count

LOGO_PATH = "articles/logo.png"
LOGO_SIZE = (600, 60)  # Google's publisher-logo box


def publisher(request: HttpRequest, masthead: Masthead) -> dict:
    """The paper, with the logo uploaded in the masthead (its largest rendition), else the
    one shipped with the site."""
    uploaded = masthead.logo_picture()
    if uploaded is not None:
        url, width, height = uploaded.share_src, uploaded.width, uploaded.height
    else:
        url, (width, height) = static(LOGO_PATH), LOGO_SIZE
    return {
        "@type": "NewsMediaOrganization",
        "name": masthead.site_name,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(url),
            "width": width,
            "height": height,
        },
    }


def article_json_ld(
    *,
    article: Story,
    tags: list[Tag],
    request: HttpRequest,
    masthead: Masthead,
    live: LiveCoverage | None = None,
) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.search_title,
        "description": article.search_description,
        "inLanguage": "ar",
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.modified_at.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": editor.name,
                "url": request.build_absolute_uri(editor.get_absolute_url()),
            }
            for editor in article.authors
        ],
        "publisher": publisher(request, masthead),
        "articleSection": article.section.name,
        "wordCount": body_word_count(article.body),
    }
    if picture := article.share_picture:
        data["image"] = [request.build_absolute_uri(picture.share_src)]
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    if corrections := article.corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{note.kind_label}: {note.plain_text}",
                "datePublished": note.noted_at.isoformat(),
            }
            for note in corrections
        ]
    if live is not None:
        _as_live_blog(data, live=live, url=url, request=request, modified=article.modified_at)
    return data


def _as_live_blog(
    data: dict, *, live: LiveCoverage, url: str, request: HttpRequest, modified: datetime
) -> None:
    """A live story is a `LiveBlogPosting`: its coverage's start and end, and its published
    entries as `BlogPosting` updates, newest first; modified when its newest entry was."""
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = live.started_at.isoformat()
    if live.ended_at is not None:
        data["coverageEndTime"] = live.ended_at.isoformat()
    data["dateModified"] = max(live.last_changed_at, modified).isoformat()
    updates = []
    for update in live.updates:
        text = update.plain_text
        posting = {
            "@type": "BlogPosting",
            "headline": Truncator(text).chars(110),
            "articleBody": text,
            "datePublished": update.posted_at.isoformat(),
            "url": f"{url}#{update.anchor}",
        }
        if update.was_edited:
            posting["dateModified"] = update.edited_at.isoformat()
        if update.author_name:
            posting["author"] = {"@type": "Person", "name": update.author_name}
        if update.picture is not None:
            posting["image"] = request.build_absolute_uri(update.picture.share_src)
        updates.append(posting)
    data["liveBlogUpdate"] = updates


def website_json_ld(*, request: HttpRequest, masthead: Masthead) -> dict:
    """The home page: the paper as a WebSite readers can search from a results page."""
    search_url = request.build_absolute_uri(reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": masthead.site_name,
        "description": masthead.tagline,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "inLanguage": "ar",
        "publisher": publisher(request, masthead),
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search_url}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }
