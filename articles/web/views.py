import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, RedirectView, TemplateView, View

from articles import preview, search
from articles.addresses import address
from articles.models import Article, Editor, Section, SharePreviewLink, Tag
from articles.pagecache import pages as caching
from articles.pagecache.deps import CORRECTIONS, HOME, MOST_READ, SEARCH, SITE, SITEMAPS, Dep
from articles.pagecache.pages import CachedPageMixin
from articles.reading import queries
from articles.reading.related import related_articles
from articles.web import brand, cards, frame, previews
from articles.web.search_form import SearchFiltersForm
from articles.web.sitemaps import news_articles

HOME_LATEST_COUNT = 9
HOME_STORIES_PER_SECTION = 4
HOME_BREAKING_COUNT = 5
HOME_FEATURED_COUNT = 4
# Breaking stories are all recent, so they come first; featured ones fill the rest.
HOME_HIGHLIGHTS_LIMIT = 20
# The article page's side rail: the newest stories (the one read left out) and the most read.
RAIL_LATEST_COUNT = 5


class StoryCardsMixin:
    """Views whose stories show as cards: the cards come from this process's copies or the
    shared cache, and only the ones that changed are built (`web/cards.py`)."""

    def prepare_cards(self, *groups: tuple[list, bool]) -> None:
        masthead = frame.masthead(self.request)
        cards.prepare_cards(
            self.request,
            groups,
            arabic_indic=masthead.use_arabic_indic_digits,
        )


class StoryListMixin(StoryCardsMixin):
    """For ListViews of stories (`queries.PlacementList`): the page's cards are found or
    built here, once."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stories = list(context["object_list"])
        context["object_list"] = context[self.context_object_name] = stories
        if context.get("page_obj") is not None:
            context["page_obj"].object_list = stories
        self.prepare_cards((stories, False))
        return context


class HomeView(CachedPageMixin, StoryCardsMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        self.depends_on(HOME, MOST_READ)
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        nav_sections = {section.pk: section for section in frame.navigation_sections(self.request)}
        latest, stories_by_section = queries.front_page(
            latest_count=HOME_LATEST_COUNT + 1,
            per_section=HOME_STORIES_PER_SECTION,
            section_ids=list(nav_sections),
            now=now,
        )
        breaking_since = now - timedelta(minutes=settings.NEWSROOM_BREAKING_MAX_AGE_MINUTES)
        highlights = queries.home_highlights(
            breaking_since=breaking_since, limit=HOME_HIGHLIGHTS_LIMIT, now=now
        )
        blocks = {
            nav_sections[section_id]: stories
            for section_id, stories in stories_by_section.items()
            if stories
        }
        breaking = [
            article
            for article in highlights
            if article.is_breaking and article.published_at >= breaking_since
        ][:HOME_BREAKING_COUNT]
        self.prepare_cards(
            (latest[:1], True),
            (latest[1:], False),
            *((stories, False) for stories in blocks.values()),
        )
        # The page changes by itself when a story ages out of the strip or a pin runs out.
        self.changes_at(
            *(article.published_at + (now - breaking_since) for article in breaking),
            *(article.pinned_until for article in latest if article.pinned_now),
        )
        context.update(
            lead=latest[0] if latest else None,
            latest=latest[1:],
            section_blocks=list(blocks.items()),
            most_read=queries.todays_most_read(),
            website_json_ld=previews.website_json_ld(
                request=self.request, masthead=frame.masthead(self.request)
            ),
            breaking_news=breaking,
            featured=[article for article in highlights if article.is_featured][
                :HOME_FEATURED_COUNT
            ],
        )
        return context


class SectionView(CachedPageMixin, StoryListMixin, ListView):
    template_name = "articles/section.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_SECTION_PAGE_SIZE

    def get_queryset(self):
        # The navigation's sections are kept with the frame; a hidden section is read.
        slug = self.kwargs["slug"]
        shown = {nav.slug: nav for nav in frame.navigation_sections(self.request)}
        self.section = shown.get(slug) or get_object_or_404(Section, slug=slug)
        self.depends_on(Dep.section(self.section.slug), MOST_READ)
        return queries.section_placements(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section,
            most_read=queries.todays_most_read(section=self.section),
            **kwargs,
        )


class ArticleView(CachedPageMixin, StoryCardsMixin, DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        # Its section, tags and bylines come in the story's row.
        story = queries.story_for_reader(self.kwargs["pk"])
        if story is None:
            raise Http404
        return story

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # A story the desk took down is gone, not missing: say so (410), in Arabic.
            explanation = queries.withdrawal_explanation(self.kwargs["pk"])
            if explanation is not None:
                return gone(request, explanation=explanation)
            raise
        self.last_modified = self.object.updated_at
        # An old or mistyped slug still reaches the story, at its one canonical address.
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def read_article_id(self):
        # Counted for cached and fresh pages alike, so the most-read list sees every reader.
        return self.object.pk

    def get_context_data(self, **kwargs):
        tags = self.object.tags
        # Related stories come from the same section and tags: their changes show here too. The
        # rail lists the newest and the most-read stories: a publication or written counts
        # rebuild the page.
        self.depends_on(
            Dep.article(self.object.pk),
            Dep.section(self.object.section.slug),
            *(Dep.tag(tag.slug) for tag in tags),
            HOME,
            MOST_READ,
        )
        related = related_articles(self.object, tags=tags)
        self.prepare_cards((related, False))
        # A live story: its published entries, newest first (one query however many), each
        # change of them bumping this page (Dep.article) and its endpoint (Dep.live).
        live = queries.live_coverage_of(self.object)
        if live is not None:
            self.depends_on(Dep.live(self.object.pk))
            # Its entries change the page without touching the story's row, and a deleted one
            # leaves no time behind: the ETag alone answers conditional requests.
            self.last_modified = None
        article_json_ld = previews.article_json_ld(
            article=self.object,
            tags=tags,
            request=self.request,
            masthead=frame.masthead(self.request),
            live=live,
        )
        return super().get_context_data(
            live=live,
            live_url=address("articles:live_entries", pk=self.object.pk) if live else "",
            live_poll_seconds=LIVE_POLL_SECONDS,
            tags=tags,
            related_articles=related,
            article_json_ld=article_json_ld,
            rail=article_rail_markup(self.request, article_id=self.object.pk),
            **kwargs,
        )


def article_rail_markup(request, *, article_id: int) -> str:
    """The article page's rail, built once for every story that is not among the newest (and
    once for each that is, as it leaves itself out), until a public story changes (HOME), the
    counts are written (MOST_READ) or the masthead's digits (SITE)."""
    rail = queries.article_rail(latest_count=RAIL_LATEST_COUNT + 1)
    left_out = article_id if any(story.pk == article_id for story in rail.latest) else 0

    def build() -> str:
        return render_to_string(
            "includes/article_rail.html",
            {
                "rail_latest": [story for story in rail.latest if story.pk != left_out][
                    :RAIL_LATEST_COUNT
                ],
                "rail_most_read": rail.most_read,
                "masthead": frame.masthead(request),
            },
        )

    day = timezone.localdate().isoformat()
    return caching.piece(
        f"newsroom:article-rail-markup:{day}:{left_out}", [HOME, MOST_READ, SITE], build
    )


class ShortLinkView(RedirectView):
    """/n/<id>/: a short address to share, answered with a 301 to the canonical one; a story
    the desk withdrew is gone (410) here as at its full address."""

    permanent = True

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            explanation = queries.withdrawal_explanation(kwargs["pk"])
            if explanation is not None:
                return gone(request, explanation=explanation)
            raise

    def get_redirect_url(self, *args, **kwargs):
        return get_object_or_404(Article.objects.published(), pk=kwargs["pk"]).get_absolute_url()


# The newest stories the 404 and 410 pages offer instead of the one asked for.
ERROR_PAGE_LATEST_COUNT = 6


def _error_page(request, template_name: str, status: int, **context):
    context["latest_stories"] = queries.latest_headlines(limit=ERROR_PAGE_LATEST_COUNT)
    return render(request, template_name, context, status=status)


def gone(request, *, explanation: str = ""):
    """410: the story was withdrawn; the page says why when the desk did, and offers search
    and the latest stories."""
    return _error_page(request, "410.html", 410, withdrawal_explanation=explanation)


def page_not_found(request, exception=None):
    """handler404: nothing at this address; the page offers search and the latest stories."""
    return _error_page(request, "404.html", 404)


# Readers' pages of a live story ask its endpoint this often (articles/static/articles/live.js);
# browsers and a CDN keep its answer this long: an entry reaches every reader within
# LIVE_POLL_SECONDS + LIVE_CDN_SECONDS and a request (the issue asks 15 s).
LIVE_POLL_SECONDS = 10
LIVE_BROWSER_SECONDS = 0
LIVE_CDN_SECONDS = 3


class LiveEntriesView(View):
    """`/live/<id>/entries/`: a published live story's entries as JSON, the same address for
    every reader, so the page cache and a CDN keep one copy: served from the page cache until
    one of its published entries changes (Dep.live) or the story does (Dep.article), with an
    ETag for conditional requests (304), public and short-lived. Drafts and
    entries in review are never in it; a story not published (or never live) is a 404."""

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        # No Last-Modified: a deleted entry changes the answer but leaves no time behind, so
        # only the ETag (the answer's own hash) says whether a reader's copy still holds.
        return caching.serve_cached(
            request,
            lambda: self.build(request, pk),
            {Dep.article(pk), Dep.live(pk)},
            shared_seconds=(LIVE_BROWSER_SECONDS, LIVE_CDN_SECONDS),
        )

    def build(self, request, pk):
        live = queries.live_coverage_for_reader(pk)
        if live is None:
            raise Http404
        masthead = frame.masthead(request)
        context = {"masthead": masthead}
        entries = [
            {
                "id": update.pk,
                "v": update.version,
                "pinned": update.pinned,
                "summary": Truncator(update.plain_text).words(30),
                "html": render_to_string(
                    "includes/live_entry.html", {**context, "update": update}
                ).strip(),
            }
            for update in live.updates
        ]
        payload = {
            "story": live.story_pk,
            "on": live.is_on,
            "started_at": live.started_at.isoformat(),
            "ended_at": live.ended_at.isoformat() if live.ended_at else None,
            "status": render_to_string(
                "includes/live_status.html", {**context, "live": live}
            ).strip(),
            "poll_seconds": LIVE_POLL_SECONDS,
            "entries": entries,
        }
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["X-Robots-Tag"] = "noindex"
        return response


class CorrectionsView(CachedPageMixin, ListView):
    """«تصحيحات»: every correction, clarification and update of the published stories, newest
    first, each with its story. A note changes the page (CORRECTIONS); a story that changes
    state or headline does too (HOME, bumped by every public story's change)."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_SECTION_PAGE_SIZE

    def get_queryset(self):
        self.depends_on(CORRECTIONS, HOME)
        return queries.published_corrections()


class EditorView(CachedPageMixin, StoryListMixin, ListView):
    template_name = "articles/editor.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.editor = get_object_or_404(Editor, slug=self.kwargs["slug"])
        self.depends_on(Dep.editor(self.editor.slug))
        return queries.editor_placements(self.editor)

    def get_context_data(self, **kwargs):
        return super().get_context_data(editor=self.editor, **kwargs)


class TagView(CachedPageMixin, StoryListMixin, ListView):
    template_name = "articles/tag.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_SECTION_PAGE_SIZE

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        self.depends_on(Dep.tag(self.tag.slug))
        return queries.tag_placements(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(CachedPageMixin, TemplateView):
    """Arabic-aware search: a query nobody can search gets a friendly page, never an error.

    Results come best match first or newest first, and may keep to a range of days; a choice
    that cannot be used is named in Arabic and left out, never refused. A query that finds
    nothing offers a close spelling that does. The query stays in the page's box and the
    header's.

    Any story a reader may see can match a query, and every change to one bumps HOME: a cached
    result page is rebuilt after any such change. Kept briefly, as readers' queries are many.
    """

    template_name = "articles/search.html"

    def _cache_seconds(self) -> int:
        return min(super()._cache_seconds(), settings.NEWSROOM_SEARCH_CACHE_SECONDS)

    def get_context_data(self, **kwargs):
        self.depends_on(HOME, SEARCH)
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        form = SearchFiltersForm(self.request.GET)
        form.is_valid()
        filters = form.filters()
        context.update(
            search_query=query[: search.MAX_QUERY_LENGTH * 2],
            filters_form=form,
            filters=filters,
        )
        try:
            terms = search.parse_query(query)
        except search.SearchQueryError as error:
            context["search_error"] = str(error)
            return context
        found = search.search_article_ids(
            terms, order=filters.order, since=filters.since, until=filters.until
        )
        paginator = Paginator(found, settings.NEWSROOM_SEARCH_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            hits=queries.search_hits(list(page.object_list), terms),
            suggestion=None
            if found
            else search.suggest(terms, since=filters.since, until=filters.until),
        )
        return context


@method_decorator(x_robots_tag, name="dispatch")
class NewsSitemapView(CachedPageMixin, TemplateView):
    """Google News sitemap: the last 48 hours, with the publication's name and language."""

    template_name = "sitemaps/news.xml"
    content_type = "application/xml"

    def get_context_data(self, **kwargs):
        self.depends_on(SITEMAPS)
        return super().get_context_data(
            articles=news_articles(),
            site_url=self.request.build_absolute_uri("/")[:-1],
            **kwargs,
        )


class FaviconView(RedirectView):
    """/favicon.ico, which browsers and crawlers ask for whatever the page says: the site icon
    the masthead uploaded (its tab size), else the one shipped with the site."""

    permanent = False  # the icon's address changes with the icon

    def get_redirect_url(self, *args, **kwargs):
        uploaded = frame.masthead(self.request).icon_urls()
        return uploaded.get("tab") or static("articles/favicon.png")


class ManifestView(CachedPageMixin, View):
    """/manifest.webmanifest: the paper as a web app (name, icons, colours, right to left),
    from the masthead; cached like a page, built again when the masthead changes (SITE)."""

    def get(self, request, *args, **kwargs):
        self.depends_on(SITE)
        document = json.dumps(brand.manifest(frame.masthead(request)), ensure_ascii=False)
        return HttpResponse(document, content_type="application/manifest+json")


class RobotsTxtView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site_url=self.request.build_absolute_uri("/")[:-1], **kwargs
        )


@method_decorator(never_cache, name="dispatch")
class PreviewMixin(View):
    """An unpublished article on the public design: bannered, never indexed, never cached."""

    template_name = "articles/preview.html"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def render_preview(self, article: Article, **context) -> TemplateResponse:
        """The story as readers will read it (`queries.story_for_staff`), under a banner that
        says its state (`desk_story`, the desk's row)."""
        story = queries.story_for_staff(article.pk)
        return TemplateResponse(
            self.request,
            self.template_name,
            {"article": story, "tags": story.tags, "desk_story": article, **context},
        )


class PreviewView(LoginRequiredMixin, PermissionRequiredMixin, PreviewMixin):
    """Staff see any article, whatever its state, as readers will see it."""

    login_url = "admin:login"
    permission_required = "articles.view_article"

    def has_permission(self):
        return self.request.user.is_staff and super().has_permission()

    def get(self, request, *args, **kwargs):
        return self.render_preview(get_object_or_404(Article, pk=kwargs["pk"]))


class SharedPreviewView(PreviewMixin):
    """Someone without an account sees one article through a share link while it works."""

    def get(self, request, *args, **kwargs):
        try:
            article = preview.article_for_token(self.kwargs["token"])
        except preview.PreviewLinkEnded:
            return TemplateResponse(request, "articles/preview_expired.html", status=410)
        except (SharePreviewLink.DoesNotExist, Article.DoesNotExist) as error:
            raise Http404 from error
        return self.render_preview(article, shared=True)
