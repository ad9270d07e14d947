from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import caching, feeds, views
from .converters import RowIdConverter
from .sitemaps import SITEMAPS

app_name = "articles"

# Every id in a public address goes through it: a number too large for the database is a 404.
register_converter(RowIdConverter, "id")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<str:slug>/", views.SectionView.as_view(), name="section"),
    path("article/<id:pk>/<str:slug>/", views.ArticleView.as_view(), name="article"),
    path("n/<id:pk>/", views.ShortLinkView.as_view(), name="short_link"),
    path("editor/<str:slug>/", views.EditorView.as_view(), name="editor"),
    path("feed/rss/", feeds.LatestArticlesRss(), name="feed_rss"),
    path("feed/atom/", feeds.LatestArticlesAtom(), name="feed_atom"),
    path("section/<str:slug>/rss/", feeds.SectionArticlesRss(), name="section_rss"),
    path("section/<str:slug>/atom/", feeds.SectionArticlesAtom(), name="section_atom"),
    path("editor/<str:slug>/rss/", feeds.EditorArticlesRss(), name="editor_rss"),
    path("editor/<str:slug>/atom/", feeds.EditorArticlesAtom(), name="editor_atom"),
    path("sitemap-news.xml", views.NewsSitemapView.as_view(), name="news_sitemap"),
    path(
        "sitemap.xml",
        caching.cached_page(caching.SITEMAPS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<str:section>.xml",
        caching.cached_page(caching.SITEMAPS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.RobotsTxtView.as_view(), name="robots"),
    path("favicon.ico", views.FaviconView.as_view(), name="favicon"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<id:pk>/", views.PreviewView.as_view(), name="preview"),
    path("preview/shared/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
]
