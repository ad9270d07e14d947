"""Readers' repeat visits answered from the shared page cache, before the rest of the stack.

A reader without a session asking for a page that is cached and still valid needs no session,
user, CSRF, messages or view: this middleware sits right after WhiteNoise and answers from
`caching.stored_page()`. Everything else (a miss, staff, a form) goes down the stack as usual,
where the view's CachedPageMixin builds and stores the page.
"""

from django.conf import settings
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from articles.pagecache import pages as caching


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"} or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        hit = caching.stored_page(request)
        if hit is None:
            # Spare the view a second look-up of what was just found missing.
            request.newsroom_page_cache_missed = True
            return self.get_response(request)
        response, read_article_id = hit
        caching.count_read(request, read_article_id)
        response = caching.for_shared_caches(response)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
