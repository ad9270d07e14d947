from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from articles import richtext

admin.site.site_header = "غرفة الأخبار"
admin.site.site_title = "غرفة الأخبار"
admin.site.index_title = "إدارة المحتوى"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ckeditor/", include(richtext.urlpatterns)),
    path("", include("articles.urls")),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, not when this module is imported, so a test (or a live
    # server in the browser tests) that moves uploads to a temporary folder is served from it.
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError) as error:
        # A name the file system refuses (too long, a NUL byte) names no file: 404, not 500.
        raise Http404 from error


if settings.SERVE_MEDIA:
    # The embedded run serves uploads itself; production leaves this to object storage or the
    # web server in front (SERVE_MEDIA=0).
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media)]
