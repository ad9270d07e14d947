"""Pages and feeds sent gzipped to readers, never a response that holds a secret.

Django's own GZipMiddleware does the compressing (with its BREACH mitigation since Django 4.2:
a random number of bytes in the gzip header, so lengths vary between answers). BREACH reads a
secret out of a compressed body by reflecting guesses into the same body and watching its length;
our public pages are the same for every reader and carry no secret (no CSRF token, no session,
nothing per person: see the page cache), so there is nothing for it to read. A response that
might hold one is sent uncompressed: a request with a session cookie (signed-in staff), a page
that used a CSRF token (the sign-in form, any admin form) or one that sets a cookie.

Only text is compressed: photos and fonts are compressed already, and static files are served,
gzipped and brotli-compressed ahead of time, by WhiteNoise, above this middleware.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/json",
    }
)


def holds_no_secret(request, response) -> bool:
    """True when the response can be compressed without BREACH reaching a secret in it."""
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or response.cookies
    )


class ReaderGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in COMPRESSED_TYPES or not holds_no_secret(request, response):
            return response
        return super().process_response(request, response)
