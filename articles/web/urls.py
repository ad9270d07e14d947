from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from articles.converters import RowIdConverter, UnicodeSlugConverter
from articles.pagecache import deps
from articles.pagecache import pages as caching
from articles.web import alerts, feeds, views
from articles.web.sitemaps import SITEMAPS

app_name = "articles"

# Every id and slug in a public address goes through these: a value the database cannot take
# (a number too large, a NUL byte) is a 404 (articles/converters.py).
register_converter(RowIdConverter, "id")
register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<uslug:slug>/", views.SectionView.as_view(), name="section"),
    path("article/<id:pk>/<str:slug>/", views.ArticleView.as_view(), name="article"),
    path("live/<id:pk>/entries/", views.LiveEntriesView.as_view(), name="live_entries"),
    path("n/<id:pk>/", views.ShortLinkView.as_view(), name="short_link"),
    path("editor/<uslug:slug>/", views.EditorView.as_view(), name="editor"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("feed/rss/", feeds.LatestArticlesRss(), name="feed_rss"),
    path("feed/atom/", feeds.LatestArticlesAtom(), name="feed_atom"),
    path("section/<uslug:slug>/rss/", feeds.SectionArticlesRss(), name="section_rss"),
    path("section/<uslug:slug>/atom/", feeds.SectionArticlesAtom(), name="section_atom"),
    path("editor/<uslug:slug>/rss/", feeds.EditorArticlesRss(), name="editor_rss"),
    path("editor/<uslug:slug>/atom/", feeds.EditorArticlesAtom(), name="editor_atom"),
    path("sitemap-news.xml", views.NewsSitemapView.as_view(), name="news_sitemap"),
    path(
        "sitemap.xml",
        caching.cached_page(deps.SITEMAPS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<uslug:section>.xml",
        caching.cached_page(deps.SITEMAPS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.RobotsTxtView.as_view(), name="robots"),
    path("favicon.ico", views.FaviconView.as_view(), name="favicon"),
    path("manifest.webmanifest", views.ManifestView.as_view(), name="manifest"),
    # Breaking alerts (articles/web/alerts.py): the service worker from the root, its endpoints.
    path("sw.js", alerts.service_worker, name="service_worker"),
    path("alerts/key/", alerts.public_key, name="alerts_key"),
    path("alerts/subscribe/", alerts.subscribe, name="alerts_subscribe"),
    path("alerts/unsubscribe/", alerts.unsubscribe, name="alerts_unsubscribe"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<id:pk>/", views.PreviewView.as_view(), name="preview"),
    path("preview/shared/<uslug:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
]
