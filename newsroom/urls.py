from django.conf import settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from articles import images
from articles.admin import richtext

admin.site.site_header = "غرفة الأخبار"
admin.site.site_title = "غرفة الأخبار"
admin.site.index_title = "إدارة المحتوى"

# A missing page offers search and the latest stories (articles/web/views.py).
handler404 = "articles.web.views.page_not_found"

urlpatterns = [
    # Before the admin's own: the two-factor sign-in takes admin:login's address (staff/urls.py).
    path("admin/", include("staff.urls")),
    path("admin/", admin.site.urls),
    path("ckeditor/", include(richtext.urlpatterns)),
    path("", include("articles.web.urls")),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, not when this module is imported, so a test (or a live
    # server in the browser tests) that moves uploads to a temporary folder is served from it.
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except Http404:
        # A rendition the commit never got to (a process killed in between) is made now;
        # anything else that is missing stays a 404.
        if not _heal(path):
            raise
    except (OSError, ValueError) as error:
        # A name the file system refuses (too long, a NUL byte) names no file: 404, not 500.
        raise Http404 from error
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _heal(path: str) -> bool:
    try:
        return images.rendition_heal(storage=default_storage, name=path)
    except (OSError, ValueError):
        return False


if settings.SERVE_MEDIA:
    # The embedded run serves uploads itself; production leaves this to object storage or the
    # web server in front (SERVE_MEDIA=0).
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media)]
