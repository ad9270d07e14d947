"""Every query a public page runs, each returning one story shape (`reading/stories.py`).

Pages, feeds and search call these; none of them reads an `Article` of the ORM. The queries a
page runs on every cold request are compiled once per shape (`compiled.py`), and a story's
bylines and tags come nested in its row (`nested.py`): both are private to this package.
"""

from datetime import datetime

from django.db.models import BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles import search
from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    DailyReadCount,
    LiveEntry,
    Section,
    TaggedArticle,
)
from articles.models import fields as declared
from articles.models.unions import ids_of_any
from articles.pagecache import deps
from articles.pagecache import pages as caching
from articles.reading import compiled
from articles.reading.nested import nested
from articles.reading.stories import (
    EDITOR_FIELDS,
    NOTE_FIELDS,
    SECTION_FIELDS,
    Card,
    Headline,
    LiveCoverage,
    LiveUpdate,
    Note,
    Placement,
    Rail,
    SearchHit,
    Story,
    columns,
)

CARD_COLUMNS = ("pk", *columns(declared.ON_CARDS))
PLACEMENT_COLUMNS = ("pk", *columns(declared.ON_LISTS))
HEADLINE_COLUMNS = ("pk", *columns(declared.ON_HEADLINES))
STORY_COLUMNS = ("pk", *columns(declared.ON_THE_PAGE))
_SECTION_COLUMNS = tuple(f"section__{name}" for name in SECTION_FIELDS)

MOST_READ_COUNT = 5
NEWEST_FIRST = ("-published_at", "-pk")


# --- Building blocks ---------------------------------------------------------------------


def nested_bylines():
    """A story's bylines, read in its row: decoded by `stories.editors_of`."""
    return nested(
        ArticleAuthor.objects.all(),
        "article",
        "position",
        "pk",
        *(f"editor__{name}" for name in EDITOR_FIELDS),
    )


def nested_tags():
    """A story's tags, read in its row: decoded by `stories.tags_of`."""
    return nested(TaggedArticle.objects.all(), "content_object", "tag_id", "tag__name", "tag__slug")


def nested_corrections():
    """A story's corrections, clarifications and updates, read in its row: decoded by
    `stories.notes_of`."""
    return nested(Correction.objects.all(), "article", *NOTE_FIELDS)


def card_values(stories: QuerySet) -> QuerySet:
    """The rows of `stories` a card is built from, its bylines nested."""
    return stories.values(*CARD_COLUMNS, byline_rows=nested_bylines())


def story_values(
    stories: QuerySet, *, with_tags: bool = True, with_corrections: bool = False
) -> QuerySet:
    """The rows of `stories` as a reader reads them whole: section, bylines and (unless a use
    shows none, as a search hit) tags in the same row; on the story's own page, its notes too."""
    tags = {"tag_rows": nested_tags()} if with_tags else {}
    if with_corrections:
        tags["correction_rows"] = nested_corrections()
    return stories.values(*STORY_COLUMNS, *_SECTION_COLUMNS, byline_rows=nested_bylines(), **tags)


def _story(row: dict) -> Story:
    section = Section.from_db(None, SECTION_FIELDS, [row.pop(name) for name in _SECTION_COLUMNS])
    return Story(section=section, **row)


# --- The home page -----------------------------------------------------------------------


def front_page(
    *, latest_count: int, per_section: int, section_ids: list[int], now: datetime
) -> tuple[list[Placement], dict[int, list[Placement]]]:
    """The home page's published stories in one query: the latest `latest_count` (a story
    pinned as the lead, and not expired, first), and the newest `per_section` of each section
    that are not among the latest, so no story stands twice on the page's first screen.

    One UNION ALL of short ordered reads of the indexes: the newest `latest_count` stories,
    the pinned ones (few: read through the flag's partial index), and each section's newest
    `per_section` that are neither of those. A newest story that a pinned lead pushed out of
    the latest is among the rows too, so its section's block can take it: ordering the union by
    date gives both lists exactly; nothing ever sorts the archive. Compiled once per number of
    sections. The stories come as placements: their cards are found by key (`web/cards.py`).
    """
    rows = compiled.rows(
        _front_page_rows,
        shape=(latest_count, per_section),
        section_ids=list(section_ids),
        now=now,
    )
    stories = [Placement(**row) for row in rows]
    stories.sort(key=lambda story: (-story.published_at.timestamp(), -story.pk))
    latest = stories[:latest_count] + [
        story for story in stories[latest_count:] if story.pinned_now
    ]
    latest.sort(key=lambda story: not story.pinned_now)  # stable: newest first otherwise
    latest = latest[:latest_count]
    shown = {story.pk for story in latest}
    blocks = {section_id: [] for section_id in section_ids}
    for story in stories:
        block = blocks.get(story.section_id)
        if block is not None and len(block) < per_section and story.pk not in shown:
            block.append(story)
    return latest, blocks


def _front_page_rows(*, shape: tuple[int, int], section_ids: list[int], now: datetime):
    latest_count, per_section = shape
    published = Article.objects.published(now=now)
    pinned_now = Q(is_pinned=True) & (Q(pinned_until__isnull=True) | Q(pinned_until__gt=now))
    newest = published.order_by(*NEWEST_FIRST)[:latest_count]
    pinned = published.filter(pinned_now).order_by()
    # Each section's arm skips what the first two arms read: its block's other candidates.
    not_read_above = published.exclude(pk__in=newest.values("pk")).exclude(pinned_now)
    return (
        published.filter(
            pk__in=ids_of_any(
                newest,
                pinned,
                *(
                    not_read_above.filter(section_id=section_id).order_by(*NEWEST_FIRST)[
                        :per_section
                    ]
                    for section_id in section_ids
                ),
            )
        )
        .annotate(
            pinned_now=Case(
                When(pinned_now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values(*PLACEMENT_COLUMNS, "pinned_now")
    )


def home_highlights(*, breaking_since: datetime, limit: int, now: datetime) -> list[Headline]:
    """Published breaking stories younger than `breaking_since` and featured stories, newest
    first, in one query compiled once: the home page splits them into the breaking strip and
    the editors' picks."""
    rows = compiled.rows(_highlights, shape=(limit,), breaking_since=breaking_since, now=now)
    return [Headline(**row) for row in rows]


def _highlights(*, shape: tuple[int], breaking_since: datetime, now: datetime):
    (limit,) = shape
    published = Article.objects.published(now=now)
    return (
        published.filter(
            pk__in=ids_of_any(
                # Few rows each, read through the flags' partial indexes.
                published.filter(is_breaking=True, published_at__gte=breaking_since).order_by(),
                published.filter(is_featured=True).order_by(),
            )
        )
        .order_by(*NEWEST_FIRST)
        .values(*HEADLINE_COLUMNS)[:limit]
    )


# --- Cards -------------------------------------------------------------------------------


def published_cards(story_ids: list[int]) -> dict[int, Card]:
    """The cards to build of these stories, by id, in one query: those still published."""
    if not story_ids:
        return {}
    rows = compiled.rows(_cards_of, story_ids=list(story_ids), now=timezone.now())
    return {row["pk"]: Card(**row) for row in rows}


def _cards_of(*, shape: tuple, story_ids: list[int], now: datetime):
    return card_values(Article.objects.published(now=now).filter(pk__in=story_ids).order_by())


class PlacementList:
    """Published stories as placements, for Django's Paginator: counted by the database, and
    each page's placements read in one short query. As on the home page, a page's cards are
    found by key and only the missing ones are read (`web/cards.py`)."""

    ordered = True

    def __init__(self, stories: QuerySet):
        self.stories = stories.order_by(*NEWEST_FIRST)

    def count(self) -> int:
        return self.stories.count()

    def __getitem__(self, index: slice) -> list[Placement]:
        return [Placement(**row) for row in self.stories.values(*PLACEMENT_COLUMNS)[index]]


def section_placements(section: Section) -> PlacementList:
    return PlacementList(Article.objects.published().filter(section=section))


def editor_placements(editor) -> PlacementList:
    return PlacementList(Article.objects.published().filter(authors=editor))


def tag_placements(tag) -> PlacementList:
    return PlacementList(Article.objects.published().filter(tagged_items__tag=tag))


# --- Whole stories -----------------------------------------------------------------------


def story_for_reader(story_id: int) -> Story | None:
    """The published story with this id, or None, with its section, tags and bylines in the
    same row, from SQL compiled once: every article page starts here."""
    found = compiled.rows(_published_story, story_id=story_id, now=timezone.now())
    return _story(found[0]) if found else None


def _published_story(*, shape: tuple, story_id: int, now: datetime):
    return story_values(
        Article.objects.published(now=now).filter(pk=story_id), with_corrections=True
    )


def withdrawal_explanation(story_id: int) -> str | None:
    """None unless the desk took this story down (its addresses then answer 410 Gone, not
    404); else what the desk told readers when it did (perhaps nothing: "")."""
    return (
        Article.objects.filter(pk=story_id, status=Article.Status.WITHDRAWN)
        .values_list("withdrawal_note", flat=True)
        .first()
    )


def story_for_staff(story_id: int) -> Story | None:
    """The story with this id whatever its state, for the desk's previews."""
    found = list(story_values(Article.objects.filter(pk=story_id), with_corrections=True))
    return _story(found[0]) if found else None


def latest_stories(stories: QuerySet, *, limit: int) -> list[Story]:
    """The newest `limit` of these published stories, whole (a feed's items)."""
    return [_story(row) for row in story_values(stories.order_by(*NEWEST_FIRST)[:limit])]


# --- Live coverage ------------------------------------------------------------------------

_LIVE_UPDATE_COLUMNS = (
    "pk",
    "body",
    "posted_at",
    "edited_at",
    "pinned",
    "author__name",
    "author__slug",
    "photo",
    "photo_width",
    "photo_height",
    "photo_alt",
    "photo_caption",
)


def live_updates(story_id: int) -> list[LiveUpdate]:
    """The published entries of a story's live coverage, newest first, with their authors'
    names: one query however many there are. Drafts and entries in review are never among
    them."""
    rows = (
        LiveEntry.objects.filter(article_id=story_id, state=LiveEntry.State.PUBLISHED)
        .order_by("-posted_at", "-pk")
        .values_list(*_LIVE_UPDATE_COLUMNS)
    )
    return [
        LiveUpdate(
            pk=pk,
            body=mark_safe(body),  # noqa: S308 - cleaned by the allowlist on every save
            posted_at=posted_at,
            edited_at=edited_at,
            pinned=pinned,
            author_name=author_name or "",
            author_slug=author_slug or "",
            photo_name=photo or "",
            photo_width=photo_width,
            photo_height=photo_height,
            photo_alt=photo_alt,
            photo_caption=photo_caption,
        )
        for (
            pk,
            body,
            posted_at,
            edited_at,
            pinned,
            author_name,
            author_slug,
            photo,
            photo_width,
            photo_height,
            photo_alt,
            photo_caption,
        ) in rows
    ]


def live_coverage_of(story) -> LiveCoverage | None:
    """The live coverage of a story already read (the article page): None unless the desk
    ever started one; else its published entries, in one query."""
    if story.live_started_at is None:
        return None
    return LiveCoverage(
        story_pk=story.pk,
        story_slug=story.slug,
        started_at=story.live_started_at,
        ended_at=story.live_ended_at,
        updates=live_updates(story.pk),
    )


def live_coverage_for_reader(story_id: int) -> LiveCoverage | None:
    """The live endpoint's read: None unless the story is published and was ever live; two
    queries however many entries it has."""
    row = (
        Article.objects.published()
        .filter(pk=story_id, live_started_at__isnull=False)
        .values("pk", "slug", "live_started_at", "live_ended_at")
        .first()
    )
    if row is None:
        return None
    return LiveCoverage(
        story_pk=row["pk"],
        story_slug=row["slug"],
        started_at=row["live_started_at"],
        ended_at=row["live_ended_at"],
        updates=live_updates(story_id),
    )


# --- Corrections --------------------------------------------------------------------------

_NOTE_LIST_COLUMNS = (
    "pk",
    "kind",
    "placement",
    "noted_at",
    "text",
    "article_id",
    "article__slug",
    "article__headline",
)


class NoteList:
    """Every note of the published stories, newest first, for Django's Paginator: counted by
    the database, each page's notes read with their stories' headlines in one query. A note of
    a draft, scheduled or withdrawn story is never among them."""

    ordered = True

    def __init__(self, notes: QuerySet):
        self.notes = notes.order_by("-noted_at", "-pk")

    def count(self) -> int:
        return self.notes.count()

    def __getitem__(self, index: slice) -> list[Note]:
        return [
            Note(
                pk=row["pk"],
                kind=row["kind"],
                placement=row["placement"],
                noted_at=row["noted_at"],
                text=mark_safe(row["text"]),  # noqa: S308 - cleaned by the allowlist on save
                story_pk=row["article_id"],
                story_slug=row["article__slug"],
                story_headline=row["article__headline"],
            )
            for row in self.notes.values(*_NOTE_LIST_COLUMNS)[index]
        ]


def published_corrections() -> NoteList:
    return NoteList(Correction.objects.filter(article__in=Article.objects.published()))


# --- Lists of headlines ------------------------------------------------------------------


def latest_headlines(*, limit: int) -> list[Headline]:
    """The newest `limit` published stories as headlines (the 404 and 410 pages' list), in one
    short read of the newest-first index, kept until any public story changes (HOME): a flood
    of mistyped addresses costs the database nothing more."""
    return caching.piece(
        f"newsroom:latest-headlines:{limit}",
        [deps.HOME],
        lambda: [
            Headline(**row)
            for row in Article.objects.published()
            .order_by(*NEWEST_FIRST)
            .values(*HEADLINE_COLUMNS)[:limit]
        ],
    )


def article_rail(*, latest_count: int, most_read_count: int = MOST_READ_COUNT) -> Rail:
    """The article page's side rail: the newest `latest_count` published stories and today's
    `most_read_count` most read, in one query, kept as one piece for every article page until a
    public story changes (HOME) or the counts are written (MOST_READ): an article page rebuilt
    after a publication finds it built already."""
    day = timezone.localdate()
    return caching.piece(
        f"newsroom:article-rail:{day.isoformat()}:{latest_count}:{most_read_count}",
        [deps.HOME, deps.MOST_READ],
        lambda: _rail(day=day, latest_count=latest_count, most_read_count=most_read_count),
    )


def _rail(*, day, latest_count: int, most_read_count: int) -> Rail:
    published = Article.objects.published()
    reads = Sum("read_counts__count", filter=Q(read_counts__day=day))
    # The day's most read, ranked as `most_read` ranks them; their reads come back with every
    # story of the union (none for the newest that nobody read today).
    most_read_ids = (
        published.filter(read_counts__day=day)
        .annotate(reads=reads)
        .order_by("-reads", *NEWEST_FIRST)[:most_read_count]
    )
    todays_reads = Subquery(
        DailyReadCount.objects.filter(article_id=OuterRef("pk"), day=day).values("count")[:1]
    )
    rows = (
        published.filter(
            pk__in=ids_of_any(published.order_by(*NEWEST_FIRST)[:latest_count], most_read_ids)
        )
        .annotate(reads=Coalesce(todays_reads, 0))
        .values(*HEADLINE_COLUMNS, "reads")
    )
    stories = [(row.pop("reads"), Headline(**row)) for row in rows]
    newest_first = sorted(
        stories, key=lambda read: (read[1].published_at, read[1].pk), reverse=True
    )
    # The union holds the day's `most_read_count` most read, so ranking it by reads gives them.
    most_read = sorted(
        (read for read in stories if read[0] > 0),
        key=lambda read: (-read[0], -read[1].published_at.timestamp(), -read[1].pk),
    )
    return Rail(
        latest=[story for _, story in newest_first[:latest_count]],
        most_read=[story for _, story in most_read[:most_read_count]],
    )


def todays_most_read(*, section: Section | None = None) -> list[Headline]:
    """`most_read` for today, kept until the counts are written again (at most once a minute)
    or a story on the list changes: the pages that show the list are built without its query,
    which reads every story read today."""
    day = timezone.localdate()
    shown_on = deps.Dep.section(section.slug) if section else deps.HOME
    return caching.piece(
        f"newsroom:most-read:{day.isoformat()}:{section.pk if section else 'all'}",
        [deps.MOST_READ, shown_on],
        lambda: most_read(day=day, section=section),
    )


def most_read(
    *, day=None, section: Section | None = None, limit: int = MOST_READ_COUNT
) -> list[Headline]:
    """The day's most-read published stories (site-wide or in one section), in one query."""
    day = day or timezone.localdate()
    stories = Article.objects.published().filter(read_counts__day=day)
    if section is not None:
        stories = stories.filter(section=section)
    rows = (
        stories.annotate(reads=Sum("read_counts__count", filter=Q(read_counts__day=day)))
        .order_by("-reads", *NEWEST_FIRST)
        .values(*HEADLINE_COLUMNS)[:limit]
    )
    return [Headline(**row) for row in rows]


# --- Search ------------------------------------------------------------------------------


def search_hits(article_ids: list[int], terms: list[str]) -> list[SearchHit]:
    """One page of results, in the given order, with highlighted headline and snippet."""
    found = {
        story.pk: story
        for story in map(
            _story,
            story_values(Article.objects.published().filter(pk__in=article_ids), with_tags=False),
        )
    }
    return [
        SearchHit(
            story=story,
            headline=search.highlight(story.headline, terms),
            snippet=search.snippet(story, terms),
        )
        for story in (found.get(pk) for pk in article_ids)
        if story is not None
    ]
