"""Public addresses of stories, sections, editors and tags, worked out once per process.

Django's `reverse` takes tens of microseconds a call (it checks each argument against the
route and quotes the Arabic slug); a home page asks for some thirty addresses, an article page
for twenty. An address depends only on the route's name, its arguments, the URLconf and the
script prefix, so each is remembered under all four.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


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
