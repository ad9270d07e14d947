"""The shapes a public page reads a story in, one per use.

Each shape's fields are the columns the field declaration names for its use
(`articles/models/fields.py`): a card has `ON_CARDS`, the article page `ON_THE_PAGE`, a
link-only list `ON_HEADLINES`, a long list's placement `ON_LISTS`. A shape holds what its query
read and nothing lazy: a template can touch only what was read, so it can cost no query the
page did not plan. Adding a field to a use is a line in the declaration; the shape follows.

Bylines and tags come nested in the story's row (`reading/nested.py`) as JSON and are decoded
when first asked for: a card kept in the cache is placed without decoding its byline.
"""

import html
from dataclasses import dataclass, field, make_dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles import images
from articles.addresses import address
from articles.models import Article, Correction, Editor, LiveEntry, Section, Tag
from articles.models import fields as declared
from articles.models.articles import (
    CroppedPictures,
    SearchAndShareTitles,
    revised_after_publication,
)
from articles.reading.nested import unnest

EDITOR_FIELDS = tuple(editor_field.attname for editor_field in Editor._meta.concrete_fields)
SECTION_FIELDS = tuple(section_field.attname for section_field in Section._meta.concrete_fields)
TAG_FIELDS = ("id", "name", "slug")
_LEAD_IMAGE = Article._meta.get_field("lead_image")
_SOCIAL_IMAGE = Article._meta.get_field("social_image")
# A story read for a use that shows no tags (a search hit): asking for them is a mistake in
# the code, not a story without tags.
TAGS_NOT_READ = "tags not read"


def columns(names: tuple[str, ...]) -> tuple[str, ...]:
    """The table's columns for these declared fields: the section as its id; the tags, which
    are rows of their own, come nested instead."""
    return tuple(f"{name}_id" if name == "section" else name for name in names if name != "tags")


def editors_of(byline_rows: str | None) -> list[Editor]:
    """The editors of a story's nested bylines, in byline order."""
    return [_editor(values) for _position, _pk, *values in sorted(unnest(byline_rows))]


def _editor(values: list) -> Editor:
    # JSON has no booleans on SQLite (0 and 1): each value as its field would read it.
    return Editor.from_db(
        None,
        EDITOR_FIELDS,
        [
            editor_field.to_python(value)
            for editor_field, value in zip(Editor._meta.concrete_fields, values, strict=True)
        ],
    )


def tags_of(tag_rows: str | None) -> list[Tag]:
    """A story's nested tags, by name."""
    tags = [Tag.from_db(None, TAG_FIELDS, row) for row in unnest(tag_rows)]
    return sorted(tags, key=lambda tag: tag.name)


# A note's columns as `queries.nested_corrections` reads them, in this order.
NOTE_FIELDS = ("noted_at", "id", "kind", "placement", "text")


def _aware(value) -> datetime:
    """A time as JSON gave it (SQLite: UTC without an offset; PostgreSQL: with one)."""
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Note:
    """A correction, clarification or update as readers read it: on its story's page (top or
    bottom), in its JSON-LD, and on the corrections page (with its story's headline)."""

    pk: int
    kind: str
    placement: str
    noted_at: datetime
    text: SafeString  # cleaned on save by the body's allowlist (Correction.save)
    story_pk: int | None = None
    story_slug: str = ""
    story_headline: str = ""

    @property
    def kind_label(self) -> str:
        return Correction.Kind(self.kind).label

    @property
    def at_top(self) -> bool:
        return self.placement == Correction.Placement.TOP

    @property
    def plain_text(self) -> str:
        """The note as text (JSON-LD's `text`)."""
        return " ".join(html.unescape(strip_tags(self.text)).split())

    def story_url(self) -> str:
        return address("articles:article", pk=self.story_pk, slug=self.story_slug or "-")


def notes_of(correction_rows: str | None) -> list[Note]:
    """A story's nested notes, oldest first (as they happened)."""
    notes = [
        Note(
            pk=pk,
            kind=kind,
            placement=placement,
            noted_at=_aware(noted_at),
            text=mark_safe(text),  # noqa: S308 - cleaned by the allowlist on every save
        )
        for noted_at, pk, kind, placement, text in unnest(correction_rows)
    ]
    return sorted(notes, key=lambda note: (note.noted_at, note.pk))


class _Addressed:
    """What every shape of a story answers: its address."""

    pk: int
    slug: str

    def get_absolute_url(self) -> str:
        return address("articles:article", pk=self.pk, slug=self.slug or "-")


class _Pictured(CroppedPictures):
    """A shape that read the lead photo's name, size and focal point: its renditions (and
    its crops: `card_picture`, `share_picture`), without storage."""

    lead_image: str
    lead_image_width: int | None
    lead_image_height: int | None

    @cached_property
    def lead_picture(self) -> images.Picture | None:
        return images.picture(
            self.lead_image_file,
            images.LEAD,
            width=self.lead_image_width,
            height=self.lead_image_height,
        )

    @cached_property
    def lead_image_file(self):
        """The photo as its model field gives it (for its storage and name)."""
        return _LEAD_IMAGE.attr_class(None, _LEAD_IMAGE, self.lead_image or "")

    @cached_property
    def social_image_file(self):
        """The story's own image for shared links, where the shape read it (the page's)."""
        return _SOCIAL_IMAGE.attr_class(None, _SOCIAL_IMAGE, getattr(self, "social_image", ""))


class _Bylined:
    byline_rows: str | None

    @cached_property
    def authors(self) -> list[Editor]:
        """The story's editors in byline order."""
        return editors_of(self.byline_rows)


def _shape(name: str, names: tuple[str, ...], *extra, bases: tuple, doc: str) -> type:
    cls = make_dataclass(
        name,
        [("pk", int), *((column, Any) for column in columns(names)), *extra],
        bases=bases,
        eq=False,
        kw_only=True,
    )
    # Importable by name, so the kept lists of them (most read) can be stored and read back.
    cls.__module__, cls.__doc__ = __name__, doc
    return cls


# The card markup a list's story was given (`web/cards.prepare_cards`), by variant.
_PREPARED = ("prepared_cards", dict, field(default_factory=dict, repr=False))

Placement = _shape(
    "Placement",
    declared.ON_LISTS,
    ("pinned_now", bool, field(default=False)),
    _PREPARED,
    bases=(),
    doc="Where a story stands in a long list (the home page's ninety), before its card is "
    "found: its card's key (`pk`, `updated_at`), its section and time, its pin.",
)

Card = _shape(
    "Card",
    declared.ON_CARDS,
    ("byline_rows", str | None, field(default=None, repr=False)),
    _PREPARED,
    bases=(_Addressed, _Pictured, _Bylined),
    doc="A story in a list, as its card shows it: picture, kicker, headline, dek, byline, time.",
)

Headline = _shape(
    "Headline",
    declared.ON_HEADLINES,
    bases=(_Addressed,),
    doc="A story in a link-only list: the breaking strip, the editors' picks, most read.",
)


class _Told(SearchAndShareTitles, _Addressed, _Pictured, _Bylined):
    section: Section
    tag_rows: str | None
    published_at: datetime
    updated_at: datetime

    @cached_property
    def tags(self) -> list[Tag]:
        if self.tag_rows is TAGS_NOT_READ:
            raise RuntimeError("this story was read without its tags (a search hit)")
        return tags_of(self.tag_rows)

    revised_at: datetime | None
    correction_rows: str | None

    @cached_property
    def corrections(self) -> list[Note]:
        """The story's corrections, clarifications and updates, oldest first."""
        return notes_of(self.correction_rows)

    @property
    def top_corrections(self) -> list[Note]:
        return [note for note in self.corrections if note.at_top]

    @property
    def bottom_corrections(self) -> list[Note]:
        return [note for note in self.corrections if not note.at_top]

    @property
    def was_updated_after_publication(self) -> bool:
        """Whether the copy was changed after readers could read it (`Article.revised_at`)."""
        return revised_after_publication(self.revised_at, self.published_at)

    @property
    def modified_at(self) -> datetime:
        """When readers' copy last changed: the update the page states, else the publication
        (for search engines' dateModified, which a save that changed nothing must not move)."""
        return self.revised_at if self.was_updated_after_publication else self.published_at


Story = _shape(
    "Story",
    declared.ON_THE_PAGE,
    ("section", Section | None, field(default=None)),
    ("byline_rows", str | None, field(default=None, repr=False)),
    ("tag_rows", str | None, field(default=TAGS_NOT_READ, repr=False)),
    ("correction_rows", str | None, field(default=None, repr=False)),
    bases=(_Told,),
    doc="A story as a reader reads it whole: the article page, a feed's item, a search hit.",
)


@dataclass(frozen=True)
class Rail:
    """The article page's side rail: the newest stories and today's most read, as headlines."""

    latest: list
    most_read: list


@dataclass(frozen=True)
class SearchHit:
    """A story found by a reader's search, its headline and a passage marked where it
    matched."""

    story: Story
    headline: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class LiveUpdate:
    """A published entry of a live coverage as readers read it: on its story's page, in the
    live endpoint readers' pages poll, and in the story's JSON-LD (`liveBlogUpdate`)."""

    pk: int
    body: SafeString  # cleaned on save by the body's allowlist (LiveEntry.save)
    posted_at: datetime
    edited_at: datetime | None
    pinned: bool
    author_name: str
    author_slug: str
    photo_name: str
    photo_width: int | None
    photo_height: int | None
    photo_alt: str
    photo_caption: str

    @property
    def version(self) -> str:
        """What changes whenever readers' copy of the entry must be replaced."""
        edited = self.edited_at.timestamp() if self.edited_at else 0
        return f"{self.posted_at.timestamp():.6f}-{edited:.6f}-{int(self.pinned)}"

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"

    @property
    def was_edited(self) -> bool:
        return self.edited_at is not None and self.edited_at > self.posted_at

    @property
    def plain_text(self) -> str:
        return " ".join(html.unescape(strip_tags(self.body)).split())

    @cached_property
    def picture(self) -> images.Picture | None:
        if not self.photo_name:
            return None
        field_file = LiveEntry._meta.get_field("photo").attr_class(
            None, LiveEntry._meta.get_field("photo"), self.photo_name
        )
        return images.picture(
            field_file, images.LIVE, width=self.photo_width, height=self.photo_height
        )

    def author_url(self) -> str:
        return address("articles:editor", slug=self.author_slug) if self.author_slug else ""


@dataclass(frozen=True)
class LiveCoverage:
    """A story's live coverage: when it started and ended, and its published entries, newest
    first."""

    story_pk: int
    story_slug: str
    started_at: datetime
    ended_at: datetime | None
    updates: list[LiveUpdate]

    @property
    def is_on(self) -> bool:
        return self.ended_at is None

    @property
    def key_points(self) -> list[LiveUpdate]:
        return [update for update in self.updates if update.pinned]

    @property
    def last_changed_at(self) -> datetime:
        """The coverage's newest moment: its start or end, an entry's posting or last edit."""
        times = [self.started_at, self.ended_at]
        times += [update.edited_at or update.posted_at for update in self.updates]
        return max(time for time in times if time is not None)

    def story_url(self) -> str:
        return address("articles:article", pk=self.story_pk, slug=self.story_slug or "-")
