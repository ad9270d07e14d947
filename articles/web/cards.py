"""A story's card, the markup lists repeat (about 90 times on the home page), kept by story.

The markup is `templates/includes/card.html` (with `picture.html` and `byline.html`, which the
article page uses too). Rendering ninety of them is most of a cold home page's work, so a
card is rendered once per edit of its story and kept (`pagecache/fragments.py`): after a story
is published the home page is rebuilt, but 89 of its 90 cards have not changed. A card's key
is what it shows: the story's last edit (a byline change counts as one, see
`pagecache/invalidation.py`), the variant and the language, and the code's version
(`fragments.key`). The names and addresses of editors come under the SITE generation, as the
header's do. So a list reads its stories' placements only, and the cards it must build.
"""

from collections.abc import Iterable

from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from articles.addresses import in_page
from articles.dates import newsroom_date
from articles.pagecache import deps, fragments
from articles.pagecache import pages as caching
from articles.reading.queries import published_cards
from articles.reading.stories import Card

# The width a card's image takes on the page, for the browser to pick a rendition.
CARD_SIZES = "(min-width: 64rem) 23rem, (min-width: 40rem) 50vw, 100vw"
LEAD_CARD_SIZES = "(min-width: 64rem) 42rem, 100vw"
# A card says when its story was published, to the minute: as text the date and time, which is
# what a reader without JavaScript sees; site.js turns it into "two hours ago" while the story is
# from today, reading the exact moment from the element's `datetime`. The kept markup holds no
# relative time, so it never goes stale.
CARD_TIME = "j F Y، H:i"
CARD_SECONDS = 24 * 3600
CARD_TEMPLATE = "includes/card.html"


def card_html(story: Card, *, large: bool = False, arabic_indic: bool = False) -> SafeString:
    """The card of a story in a list (`includes/card.html`)."""
    local = timezone.localtime(story.published_at)
    return get_template(CARD_TEMPLATE).render(
        {
            "story": story,
            "url": in_page(story.get_absolute_url()),
            "picture": story.card_picture,
            "large": large,
            "lazy": not large,
            "sizes": LEAD_CARD_SIZES if large else CARD_SIZES,
            "datetime": local.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "when": newsroom_date(local, CARD_TIME, arabic_indic=arabic_indic),
            "arabic_indic": arabic_indic,
        }
    )


def _card_key(story, large: bool, arabic_indic: bool) -> str:
    return fragments.key(
        f"newsroom:card:{story.pk}:{story.updated_at.timestamp()}"
        f":{int(large)}:{int(arabic_indic)}:{translation.get_language()}"
    )


def prepare_cards(request, groups: Iterable[tuple[Iterable, bool]], *, arabic_indic: bool) -> None:
    """Give each story of these (stories, large) groups its card: from this process's copies,
    else from the shared cache in one round trip; the missing ones are built and stored in one
    more.

    The stories are cards (`Card`, read whole) or placements (`Placement`, the home page's):
    the cards to build of placements are read in one query (those still published).
    `prepared_card` then gives the card. A card is stored only when the SITE generation
    predates the request's build (`caching.build_started`): a change to an editor landing while
    the page was read must not be kept under the new generation. Pages readers do not share (a
    signed-in editor's) take nothing from the cache: they are built fresh.
    """
    # A story may stand in two lists of a page (latest news and its section's block), as two
    # objects: both get the card, built or read once.
    wanted: dict[str, list] = {}
    for stories, large in groups:
        for story in stories:
            wanted.setdefault(_card_key(story, large, arabic_indic), []).append((story, large))
    started = caching.build_started(request)
    shared = bool(wanted) and started is not None
    generation = caching.generation(deps.SITE) if shared else 0.0
    found = fragments.kept(list(wanted), generation) if shared else {}
    missing = [uses[0][0] for key, uses in wanted.items() if key not in found]
    readable = {story.pk: story for story in missing if isinstance(story, Card)}
    to_read = dict.fromkeys(story.pk for story in missing if story.pk not in readable)
    readable |= published_cards(list(to_read))
    built = {}
    for key, uses in wanted.items():
        if key in found:
            html = mark_safe(found[key])  # noqa: S308 - rendered by card_html, which escapes
        elif (story := readable.get(uses[0][0].pk)) is not None:
            html = built[key] = card_html(story, large=uses[0][1], arabic_indic=arabic_indic)
        else:
            continue  # taken down since the list was read: no card
        for story, large in uses:
            story.prepared_cards[large, arabic_indic] = html
    if shared and built and generation <= started:
        fragments.keep({key: str(html) for key, html in built.items()}, generation, CARD_SECONDS)


def prepared_card(story, *, large: bool, arabic_indic: bool) -> SafeString:
    """The card `prepare_cards` gave this story, or one built now (a card read whole)."""
    prepared = story.prepared_cards.get((large, arabic_indic))
    if prepared is not None:
        return prepared
    if not isinstance(story, Card):
        return mark_safe("")  # a placement taken down before its card was built
    return card_html(story, large=large, arabic_indic=arabic_indic)
