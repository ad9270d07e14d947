"""RSS 2.0 and Atom feeds for the whole paper, each section and each editor.

Declarative `Feed` classes over `Article.objects.published()`: drafts and scheduled stories
never reach a feed reader. Readers render summaries (and an RSS channel's description) as HTML
and titles, names and categories as text, so plain text is escaped where it enters HTML and
nowhere else. Each item carries the dek (or the start of the body) as its summary,
the byline, the publication and update times, section and tags as categories, and the lead
image as an enclosure with its size and type.
"""

import html
import mimetypes
from dataclasses import dataclass
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

from articles import images
from articles.models import Article, Editor, Section
from articles.pagecache.deps import Dep
from articles.pagecache.pages import CachedFeedMixin
from articles.reading import queries
from articles.reading.stories import Story
from articles.web import frame

FEED_SIZE = 30
SUMMARY_WORDS = 60


@dataclass
class FeedScope:
    """What one request's feed is about, and the address it is served from."""

    site_name: str
    base_url: str
    section: Section | None = None
    editor: Editor | None = None


def article_summary(article: Story) -> str:
    """The item's summary as HTML, which is how readers render it: the dek, or the start of the
    body as text, escaped, so text typed as `<img …>` stays text."""
    if article.dek:
        return escape(article.dek)
    text = html.unescape(strip_tags(article.body))
    return escape(Truncator(" ".join(text.split())).words(SUMMARY_WORDS))


class LatestArticlesRss(CachedFeedMixin, Feed):
    feed_type = Rss201rev2Feed
    language = "ar"

    def get_object(self, request, *args, **kwargs):
        return FeedScope(
            site_name=frame.masthead(request).site_name,
            base_url=request.build_absolute_uri("/")[:-1],
        )

    def title(self, scope):
        return f"{scope.site_name} — آخر الأخبار"

    def link(self, scope):
        return reverse("articles:home")

    def subtitle(self, scope):
        """Plain text: Atom's subtitle, whose type is text."""
        return f"آخر ما نشرته {scope.site_name}"

    def description(self, scope):
        # RSS readers render a channel's description as HTML.
        return escape(self.subtitle(scope))

    def articles(self, scope):
        return Article.objects.published()

    def items(self, scope):
        items = queries.latest_stories(self.articles(scope), limit=FEED_SIZE)
        for item in items:
            item.feed_base_url = scope.base_url
        return items

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article_summary(article)

    def item_author_name(self, article):
        return "، ".join(editor.name for editor in article.authors) or None

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags)]

    def item_enclosures(self, article):
        # The image link previews use (the social image, else the lead photo's crop around
        # its focal point): never the uploaded original.
        picture = article.share_picture
        if picture is None:
            return []
        source = article.social_image_file or article.lead_image_file
        length = images.share_length(source, picture)
        if length is None:  # the photo went missing: no enclosure rather than a broken one
            return []
        mime_type = mimetypes.guess_type(picture.share_name)[0] or "image/jpeg"
        url = urljoin(f"{article.feed_base_url}/", picture.share_src)
        return [Enclosure(url, str(length), mime_type)]


class LatestArticlesAtom(LatestArticlesRss):
    feed_type = Atom1Feed


class SectionArticlesRss(LatestArticlesRss):
    def feed_dependencies(self, slug):
        return [Dep.section(slug)]

    def get_object(self, request, slug):
        scope = super().get_object(request)
        scope.section = get_object_or_404(Section, slug=slug)
        return scope

    def title(self, scope):
        return f"{scope.site_name} — {scope.section.name}"

    def link(self, scope):
        return scope.section.get_absolute_url()

    def subtitle(self, scope):
        return scope.section.description or f"آخر أخبار {scope.section.name}"

    def articles(self, scope):
        return Article.objects.published().filter(section=scope.section)


class SectionArticlesAtom(SectionArticlesRss):
    feed_type = Atom1Feed


class EditorArticlesRss(LatestArticlesRss):
    def feed_dependencies(self, slug):
        return [Dep.editor(slug)]

    def get_object(self, request, slug):
        scope = super().get_object(request)
        scope.editor = get_object_or_404(Editor, slug=slug)
        return scope

    def title(self, scope):
        return f"{scope.site_name} — {scope.editor.name}"

    def link(self, scope):
        return scope.editor.get_absolute_url()

    def subtitle(self, scope):
        return f"ما كتبه {scope.editor.name} في {scope.site_name}"

    def articles(self, scope):
        return Article.objects.published().filter(authors=scope.editor)


class EditorArticlesAtom(EditorArticlesRss):
    feed_type = Atom1Feed
