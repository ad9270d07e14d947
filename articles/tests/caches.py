from django.conf import settings
from django.core.cache import caches

from articles.web import cards


def empty_every_cache() -> None:
    """Every cache the site has (shared, generations, this process's copies) emptied, as after a
    deploy: what a page needs is read from the database again."""
    for alias in settings.CACHES:
        caches[alias].clear()
    cards.forget_copies()
