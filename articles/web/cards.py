"""The markup lists repeat: a story's card, its picture, its byline.

A list page repeats the card for every story (about 90 times on the home page). As a template
include, Django's engine made the cards most of a cold home page's render; built here with
`format_html` they are a small part of it (bench/RESULTS.md).
Templates reach these through the `article_card`, `picture` and `byline` tags
(`articles/templatetags/newsroom.py`), so each piece of markup has this one definition.
Every value goes through `format_html`, which escapes it.

A list page's cards are also kept in the shared cache (`prepare_cards`): after a story is
published the home page is rebuilt, but 89 of its 90 cards have not changed (each process keeps
copies of them too, `_kept_cards`). A card's key is
what it shows: the story's last edit (a byline change counts as one, see `invalidation.py`), the
variant and the language; the names and addresses of editors come under the SITE generation, as
the header's do. So a list reads its stories' rows only, and the bylines of the cards it must
build: on the home page, those were most of the ORM's work (three model instances per card).
"""

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles.addresses import in_page
from articles.dates import newsroom_date
from articles.images import Picture
from articles.models import Article
from articles.models.articles import read_bylines
from articles.pagecache import deps, fragments
from articles.pagecache import pages as caching

# The width a card's image takes on the page, for the browser to pick a rendition.
CARD_SIZES = "(min-width: 64rem) 23rem, (min-width: 40rem) 50vw, 100vw"
LEAD_CARD_SIZES = "(min-width: 64rem) 42rem, 100vw"
CARD_DATE = "j F Y"
# The lead story's card heads its block (h2); the others sit under a block title (h3).
LEAD_HEADLINE = '<h2 class="card__headline"><a href="{}">{}</a></h2>'
HEADLINE = '<h3 class="card__headline"><a href="{}">{}</a></h3>'


def picture_html(
    picture: Picture,
    *,
    alt: str,
    sizes: str,
    lazy: bool = False,
    priority: bool = False,
    img_class: str = "",
    width: int | None = None,
    height: int | None = None,
) -> SafeString:
    """One responsive image: the WebP renditions for the browser to choose from, the middle JPEG
    for a browser without WebP (every browser released since 2020 has it; a JPEG `srcset` and a
    second `sizes` for the others cost some 200 bytes a card, 17 KB of a home page), and width
    and height so the layout does not jump. `lazy` for images below the fold, `priority` for the
    page's main image; `width` and `height` when the box has a fixed size."""
    if lazy:
        loading = mark_safe(' loading="lazy" decoding="async"')
    elif priority:
        loading = mark_safe(' fetchpriority="high"')
    else:
        loading = ""
    return format_html(
        '<picture>\n  <source type="image/webp" srcset="{}" sizes="{}">\n'
        '  <img src="{}" alt="{}" width="{}" height="{}"{}{}>\n</picture>',
        picture.webp_srcset,
        sizes,
        picture.src,
        alt,
        width or picture.width,
        height or picture.height,
        format_html(' class="{}"', img_class) if img_class else "",
        loading,
    )


def byline_html(authors: Sequence) -> SafeString:
    """«أحمد، منى ومحمد», each name linking to the editor's page; nothing without authors."""
    if not authors:
        return mark_safe("")
    last = len(authors) - 1
    names = format_html_join(
        "",
        '{}<a href="{}">{}</a>',
        (
            (
                "" if i == 0 else " و" if i == last else "، ",
                in_page(editor.get_absolute_url()),
                editor.name,
            )
            for i, editor in enumerate(authors)
        ),
    )
    return format_html('<span class="byline">{}</span>', names)


@lru_cache(maxsize=4096)
def _card_date(day: date, arabic_indic: bool, language: str | None) -> str:
    # A list shows a few distinct days; each is spelled out once per process and language.
    return newsroom_date(day, CARD_DATE, arabic_indic=arabic_indic)


def card_time_html(moment, *, arabic_indic: bool) -> SafeString:
    """A card's <time>: the machine date and time in the attribute, the day as its text."""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.strftime("%Y-%m-%dT%H:%M:%S%z"),
        _card_date(local.date(), arabic_indic, translation.get_language()),
    )


def card_html(article, *, large: bool = False, arabic_indic: bool = False) -> SafeString:
    """A story in a list: picture, kicker, headline (and dek on the lead), byline and date."""
    url = in_page(article.get_absolute_url())
    picture = article.lead_picture
    # One link per card, the headline's, stretched over the whole card by the stylesheet: a
    # second link around the picture repeated the story's address (percent-encoded Arabic,
    # some 300 bytes), 30 KB of the home page's 172.
    image = (
        format_html(
            '\n  <div class="card__image">\n    {}\n  </div>',
            picture_html(
                picture,
                alt="",
                sizes=LEAD_CARD_SIZES if large else CARD_SIZES,
                lazy=not large,
                priority=large,
            ),
        )
        if picture
        else ""
    )
    headline = format_html(LEAD_HEADLINE if large else HEADLINE, url, article.headline)
    return format_html(
        '<article class="card{}">{}\n  <div class="card__text">\n    {}{}\n    {}'
        '<p class="card__meta">{} {}</p>\n  </div>\n</article>',
        " card--lead" if large else "",
        image,
        format_html('<p class="kicker">{}</p>\n    ', article.kicker) if article.kicker else "",
        headline,
        format_html('<p class="card__dek">{}</p>\n    ', article.dek)
        if large and article.dek
        else "",
        byline_html(article.ordered_authors()),
        card_time_html(article.published_at, arabic_indic=arabic_indic),
    )


CARD_SECONDS = 24 * 3600
# Part of every card's key: raise it when `card_html` changes, so a deploy shows the new markup
# at once instead of the kept cards' for up to CARD_SECONDS.


def _card_key(article, large: bool, arabic_indic: bool) -> str:
    # The code's version: a deploy that changes a card's markup keeps none of the old cards.
    return fragments.key(
        f"newsroom:card:{article.pk}:{article.updated_at.timestamp()}"
        f":{int(large)}:{int(arabic_indic)}:{translation.get_language()}"
    )


def prepare_cards(
    request,
    groups: Iterable[tuple[Iterable, bool]],
    *,
    arabic_indic: bool,
) -> None:
    """Give each story of these (stories, large) groups its card: from this process's copies,
    else from the shared cache in one round trip; the missing ones are built and stored in one
    more.

    The stories may be stories of the ORM read with `card_rows`, or `ListedStory` rows. For the
    cards to build, rows are read as stories, and their bylines in one query (none for stories
    read with theirs). `article_card` then uses the prepared card. A card is stored only when
    the SITE generation predates the request's build (`caching.build_started`): a change to an
    editor landing while the page was read must not be kept under the new generation. Pages
    readers do not share (a signed-in editor's) take nothing from the cache: they are built
    fresh.
    """
    # A story may stand in two lists of a page (latest news and its section's block), as two
    # objects: both get the card, built or read once.
    wanted: dict[str, list] = {}
    for articles, large in groups:
        for article in articles:
            wanted.setdefault(_card_key(article, large, arabic_indic), []).append((article, large))
    started = caching.build_started(request)
    shared = bool(wanted) and started is not None
    generation = caching.generation(deps.SITE) if shared else 0.0
    found = fragments.kept(list(wanted), generation) if shared else {}
    missing = {key: uses for key, uses in wanted.items() if key not in found}
    stories = _stories_to_build([uses[0][0] for uses in missing.values()])
    built = {}
    for key, uses in wanted.items():
        if key in missing:
            story = stories.get(uses[0][0].pk)
            if story is None:
                continue  # taken down since the list was read: no card
            html = card_html(story, large=uses[0][1], arabic_indic=arabic_indic)
            built[key] = str(html)
        else:
            html = mark_safe(found[key])  # noqa: S308 - built by card_html, which escapes
        for article, large in uses:
            article.__dict__.setdefault("prepared_cards", {})[large, arabic_indic] = html
    if shared and built and generation <= started:
        fragments.keep(built, generation, CARD_SECONDS)


def _stories_to_build(listed: list) -> dict:
    """The stories whose cards are to be built, by id, with their bylines: `ListedStory` rows
    read as stories in one query (those still published), and every byline in one more
    (`read_bylines`: none for stories whose bylines were read already)."""
    stories = {article.pk: article for article in listed if isinstance(article, Article)}
    if rows := [article.pk for article in listed if article.pk not in stories]:
        stories |= Article.objects.published().card_rows().in_bulk(rows)
    read_bylines(list(stories.values()))
    return stories


def prepared_card(article, *, large: bool, arabic_indic: bool) -> SafeString:
    """The card `prepare_cards` gave this story, or one built now (a story of the ORM)."""
    prepared = getattr(article, "prepared_cards", {}).get((large, arabic_indic))
    if prepared is not None:
        return prepared
    if not isinstance(article, Article):
        return mark_safe("")  # a listed story taken down before its card was built
    return card_html(article, large=large, arabic_indic=arabic_indic)
