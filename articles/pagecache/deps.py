"""What a cached page or fragment is built from: the one place dependency names are spelt.

A page remembers the dependencies it was built from, each with its generation (the time it last
changed); a change bumps the dependencies it affects, and every page built from one of them is
rebuilt on its next view. A dependency is a `Dep`: a kind, and for kinds that name one thing
(an article, a section, an editor, a tag), its id or slug. Anything else (a string, a kind that
needs a key given none) is an error at the call, not a stale page.

`MODELS_VOUCHED_FOR` says which tables each kind answers for: a page that reads a table none of
its dependencies vouch for would not be rebuilt when that table changes, and
`articles/tests/test_page_dependencies.py` fails for it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    # Kinds that stand alone.
    SITE = "site"  # the frame every page shows: masthead, navigation sections, staff names
    HOME = "home"  # every list of recent stories: the home page, feeds, search results
    SITEMAPS = "sitemaps"
    MOST_READ = "most-read"
    SEARCH = "search"  # the search index itself: a rebuild changes what result pages list
    CORRECTIONS = "corrections"  # the public page listing every note of published stories
    # Kinds that name one thing.
    ARTICLE = "article"
    SECTION = "section"
    EDITOR = "editor"
    TAG = "tag"
    LIVE = "live"  # a live story's published entries: its live endpoint and its page


KEYED = frozenset({Kind.ARTICLE, Kind.SECTION, Kind.EDITOR, Kind.TAG, Kind.LIVE})


@dataclass(frozen=True, slots=True)
class Dep:
    kind: Kind
    key: str | None = None

    def __post_init__(self):
        if not isinstance(self.kind, Kind):
            raise TypeError(f"a dependency's kind is a Kind, not {self.kind!r}")
        if (self.kind in KEYED) != (self.key is not None):
            raise ValueError(f"{self.kind} {'needs' if self.kind in KEYED else 'takes no'} key")
        if self.key is not None and (not isinstance(self.key, str) or not self.key):
            raise ValueError(f"a {self.kind}'s key is a non-empty text, not {self.key!r}")

    @property
    def name(self) -> str:
        """How the dependency is kept in the cache: "article:12", "home"."""
        return self.kind.value if self.key is None else f"{self.kind.value}:{self.key}"

    @classmethod
    def article(cls, article_id: int) -> "Dep":
        return cls(Kind.ARTICLE, str(int(article_id)))

    @classmethod
    def section(cls, slug: str) -> "Dep":
        return cls(Kind.SECTION, slug)

    @classmethod
    def editor(cls, slug: str) -> "Dep":
        return cls(Kind.EDITOR, slug)

    @classmethod
    def tag(cls, slug: str) -> "Dep":
        return cls(Kind.TAG, slug)

    @classmethod
    def live(cls, article_id: int) -> "Dep":
        """A live story's entries: bumped with `Dep.article` by every change of one of its
        published entries (and nothing else), so its endpoint is rebuilt exactly then."""
        return cls(Kind.LIVE, str(int(article_id)))


SITE = Dep(Kind.SITE)
HOME = Dep(Kind.HOME)
SITEMAPS = Dep(Kind.SITEMAPS)
MOST_READ = Dep(Kind.MOST_READ)
SEARCH = Dep(Kind.SEARCH)
CORRECTIONS = Dep(Kind.CORRECTIONS)


def checked(deps: Iterable[Dep]) -> set[Dep]:
    """These dependencies as a set, refusing anything that is not a `Dep` (a bare name)."""
    deps = set(deps)
    for dep in deps:
        if not isinstance(dep, Dep):
            raise TypeError(f"dependencies are Dep values, not {dep!r}")
    return deps


def of_article(*, article_id: int, section_slugs=(), editor_slugs=(), tag_slugs=()) -> set[Dep]:
    """The pages a public article appears on: its own, the lists that carry it, feeds, sitemaps."""
    return {
        HOME,
        SITEMAPS,
        Dep.article(article_id),
        *(Dep.section(slug) for slug in section_slugs if slug),
        *(Dep.editor(slug) for slug in editor_slugs if slug),
        *(Dep.tag(slug) for slug in tag_slugs if slug),
    }


# The tables whose changes bump each kind (articles/pagecache/invalidation.py, the workflow, the
# search index and the read counts): a page may read a table only if one of its dependencies
# vouches for it. Model labels, as `Model._meta.label_lower`.
_STORIES = {"articles.article", "articles.articleauthor", "articles.tag", "articles.taggedarticle"}
# A story's notes (corrections, clarifications, updates) are read with it on its own page.
_NOTES = "articles.correction"
# A live story's entries are read on its page and by its live endpoint (with their authors'
# names, which SITE vouches for).
_LIVE_ENTRIES = "articles.liveentry"
# Search's vocabulary grows as public stories are saved (HOME) and is rebuilt with the index.
_VOCABULARY = "articles.searchword"
MODELS_VOUCHED_FOR: dict[Kind, frozenset[str]] = {
    Kind.SITE: frozenset({"articles.masthead", "articles.section", "articles.editor"}),
    Kind.HOME: frozenset({*_STORIES, _VOCABULARY}),
    Kind.SITEMAPS: frozenset(_STORIES),
    Kind.MOST_READ: frozenset({"articles.dailyreadcount"}),
    Kind.SEARCH: frozenset({"articles.searchdocument", _VOCABULARY}),
    Kind.CORRECTIONS: frozenset({"articles.article", _NOTES}),
    Kind.ARTICLE: frozenset({*_STORIES, _NOTES, _LIVE_ENTRIES}),
    Kind.SECTION: frozenset(_STORIES),
    Kind.EDITOR: frozenset(_STORIES),
    Kind.TAG: frozenset(_STORIES),
    Kind.LIVE: frozenset({_LIVE_ENTRIES}),
}
