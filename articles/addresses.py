"""Public addresses of stories, sections, editors and tags, worked out once per process.

Django's `reverse` is costly per call (it checks each argument against the route and quotes
the Arabic slug), and a home page asks for some thirty addresses, an article page for twenty.
An address depends only on the route's name, its arguments, the URLconf and the script prefix,
so each is remembered under all four.

A page's own links write the Arabic of an address as letters (`in_page`): an IRI, which HTML
allows and browsers percent-encode when they follow it. Percent-encoded, each letter takes six
bytes instead of two, and a home page links some three hundred addresses. Everything read
outside a page's links (Location headers, canonical links, feeds, sitemaps, JSON-LD) keeps
`get_absolute_url`'s ASCII form.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.encoding import uri_to_iri


def address(name: str, **kwargs) -> str:
    """`reverse(name, kwargs=kwargs)`, remembered."""
    return _reverse(
        name,
        tuple(kwargs.items()),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )


# Enough for every story of a busy day and its lists, a few megabytes at most.
@lru_cache(maxsize=16384)
def _reverse(name: str, arguments: tuple, prefix: str, urlconf: str) -> str:
    return reverse(name, kwargs=dict(arguments), urlconf=urlconf)


@lru_cache(maxsize=16384)
def in_page(url: str) -> str:
    """`url` as a link in a page writes it: Arabic letters unquoted, reserved characters and
    anything else that needs it left percent-encoded (`uri_to_iri`)."""
    return uri_to_iri(url)
