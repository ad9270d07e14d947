"""Sitemaps for search engines: an index over articles, sections and editors, and a Google News
sitemap of the last 48 hours. Everything starts from `Article.objects.published()`."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from articles.models import Article, Editor, Section

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 stories per sitemap


def latest_publication(**filters):
    """The newest publication time among published stories matching `filters` (OuterRef-ready)."""
    return Subquery(
        Article.objects.published()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at").order_by("-pk")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return Section.objects.annotate(
            last_published=latest_publication(section=OuterRef("pk"))
        ).order_by("nav_position", "pk")

    def lastmod(self, section):
        return section.last_published


class EditorSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return (
            Editor.objects.filter(pk__in=Article.objects.published().values("authors"))
            .annotate(last_published=latest_publication(authors=OuterRef("pk")))
            .order_by("name", "pk")
        )

    def lastmod(self, editor):
        return editor.last_published


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "editors": EditorSitemap}


def news_articles():
    """Published stories of the last 48 hours, newest first, for the Google News sitemap."""
    since = timezone.now() - NEWS_WINDOW
    return (
        Article.objects.published()
        .filter(published_at__gte=since)
        .order_by("-published_at")[:NEWS_LIMIT]
    )
