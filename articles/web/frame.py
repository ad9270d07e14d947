"""What every public page's frame shows, read once per request and kept with the frame: the
masthead and the navigation's sections (a change to either bumps SITE)."""

from articles.models import Masthead, Section
from articles.pagecache import pages as caching

# The site's own scripts every public page loads (deferred, from 'self' as the Content-Security-
# Policy allows): the page's enhancements and the breaking alerts' button. Every page works
# without them; the tests that look for scripts a story's body smuggled in leave these out.
SITE_SCRIPTS = ("articles/site.js", "articles/alerts.js")


def masthead(request) -> Masthead:
    """The masthead, however many views and templates of this request ask."""
    if not hasattr(request, "_newsroom_masthead"):
        request._newsroom_masthead = caching.site_piece("newsroom:masthead", Masthead.load)
    return request._newsroom_masthead


def navigation_sections(request) -> list[Section]:
    """The sections the navigation shows, however many views and templates of this request ask."""
    if not hasattr(request, "_newsroom_nav_sections"):
        request._newsroom_nav_sections = caching.site_piece(
            "newsroom:nav-sections", lambda: list(Section.objects.in_navigation())
        )
    return request._newsroom_nav_sections
