"""Arabic-aware full-text search over articles.

One normalization (`articles.arabic.normalize_arabic`) is applied to what we index and to what
readers type, so «مجلسي» finds «مجلسى» and «الاطلنطي» finds «الأطلنطي». Words are indexed as
written and, when they carry the article or a clitic plus article («ال», «وال», «بال», «فال»,
«كال», «لل»), also without it; every query word is a prefix, so «باكستان» finds «باكستانية»
and «ناتو» finds «الناتو».

Two backends, chosen by the database vendor, share that vocabulary:

* PostgreSQL: a weighted `tsvector` per article in `SearchDocument` (A headline, B kicker and
  dek, C body), plus the headline and the kicker with the dek as vectors of their own, each with
  a GIN index, queried with prefix `tsquery` terms under the 'simple' configuration.
  PostgreSQL's 'arabic' snowball stemmer was tried and rejected: after normalization it stems
  «باكستانيه» to «باكس» but «باكستان» to «باكست», so the two never meet; prefix matching on
  'simple' does what readers expect.
* SQLite: an FTS5 table `articles_search_fts(headline, dek, body)`, queried with prefix terms
  and column filters.

Both rank the same way (`search_article_ids`): stories with a query word in the headline, then
in the kicker or dek, then body-only matches; newest first within each tier. News readers look
for the latest story on a subject, and a tier read newest-first stops at the result limit, so
a word found in nearly every story is as quick as a rare one (a relevance score such as bm25 or
ts_rank has to be computed for every match before anything can be listed).
What a reader may see is decided by `Article.objects.published()` alone: every tier is read
through it, so drafts and scheduled stories never surface.

Readers may sort by date instead (`Order.NEWEST`: every match, newest first) and keep to a
range of days (`since`, `until`), on both backends.

When a query finds nothing, `suggest` offers a close spelling that does («كرونا» → «كورونا»),
drawn from the words of published and scheduled stories (`SearchWord`, added as they are
indexed) and offered only once a story a reader may see holds the word.

The desk's search in the admin (`desk_matches`) reads the same index, every term anywhere in
the story, in every state, plus the stories of editors whose name matches.

The index holds every article, draft or not, and is rewritten on every save (`index_article`,
wired to `post_save` in `ArticlesConfig.ready`) and cleared on delete; publishing needs no
re-index because visibility is checked at query time. `manage.py rebuild_search_index` rebuilds
it from scratch.
"""

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from articles.arabic import normalize_arabic, unmarked
from articles.models import Article, ArticleAuthor, Editor, SearchWord
from articles.models import fields as declared
from articles.pagecache import deps
from articles.pagecache import pages as caching

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8
FTS_TABLE = "articles_search_fts"

# A word of normalized text: letters and digits, never the underscore.
WORD = re.compile(r"[^\W_]+")
# A word of raw text, as readers see it: tashkeel, tatweel and invisible controls inside it
# belong to the word (they vanish in normalization).
RAW_WORD = re.compile(
    r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u2066-\u2069])+"
)
# The definite article, alone or after a one-letter conjunction or preposition.
ARTICLE_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")
# One-letter conjunctions and prepositions written onto a word: «وباكستان», «لمصر». Indexed
# words also get a form without them; queries are not stripped of them («وزير» stays «وزير»).
CLITICS = ("و", "ف", "ب", "ل")
MIN_STEM_LENGTH = 3
# Where a story matches, best first: a query word in its headline, else in its kicker or dek,
# else only in its body.
HEADLINE, DEK, BODY = 3, 2, 1
ARTICLE_ID = f'"{Article._meta.db_table}"."id"'
REBUILD_BATCH = 500
# Suggestions: the shortest word worth correcting, the longest the vocabulary keeps, how many
# close words of each query word are checked against the published stories.
SUGGESTED_MIN_LENGTH = 3
VOCABULARY_WORD_MAX_LENGTH = SearchWord._meta.get_field("word").max_length
SUGGESTION_CANDIDATES = 5
VOCABULARY_KEY = "newsroom:search-vocabulary"


class Order(StrEnum):
    """How results are listed: best match first (the tiers), or every match newest first."""

    RELEVANCE = "relevance"
    NEWEST = "newest"


class SearchQueryError(ValueError):
    """The query cannot be searched; the message tells the reader why, in Arabic."""


def strip_definite_article(word: str) -> str:
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM_LENGTH:
            return word[len(prefix) :]
    return word


# A paper's vocabulary is small next to its archive (462 distinct words in 2,000 seeded
# stories of 270 words each): remembering each word's forms makes indexing a story ten times
# cheaper.
@functools.lru_cache(maxsize=65536)
def index_forms(word: str) -> tuple[str, ...]:
    """A normalized word as indexed: itself, then without article or clitic when it has one."""
    stem = strip_definite_article(word)
    if stem == word and word[:1] in CLITICS and len(word) > MIN_STEM_LENGTH:
        stem = word[1:]
    return (word, stem) if stem != word else (word,)


def _words(text: str) -> list[str]:
    return WORD.findall(normalize_arabic(text).casefold())


def index_text(text: str) -> str:
    """What the backends index: normalized words, each followed by its article-less form."""
    return " ".join(form for word in _words(text) for form in index_forms(word))


def parse_query(raw: str | None) -> list[str]:
    """The distinct search terms of what the reader typed, or SearchQueryError."""
    raw = (raw or "").strip()
    if not raw:
        raise SearchQueryError("اكتب كلمة أو أكثر في خانة البحث.")
    if len(raw) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            f"عبارة البحث أطول من {MAX_QUERY_LENGTH} حرف؛ اختصرها إلى كلمات قليلة مميزة."
        )
    terms: list[str] = []
    for word in _words(raw):
        term = strip_definite_article(word)
        if term not in terms:
            terms.append(term)
    if not terms:
        raise SearchQueryError("لم نجد في عبارة البحث حروفًا أو أرقامًا؛ اكتب كلمة للبحث عنها.")
    return terms[:MAX_QUERY_TERMS]


def _document_fields(article: Article) -> tuple[str, str, str]:
    def words(tier: declared.Search) -> str:
        return " ".join(getattr(article, name) for name in declared.in_search_tier(tier))

    headline = index_text(words(declared.Search.HEADLINE))
    dek = index_text(words(declared.Search.DEK))
    body = index_text(html.unescape(strip_tags(words(declared.Search.BODY))))
    return headline, dek, body


class SearchBackend(Protocol):
    def index(self, article: Article) -> None: ...

    def add_many(self, articles: Iterable[Article]) -> None: ...

    def remove(self, article_id: int) -> None: ...

    def clear(self) -> None: ...

    def in_tier(self, terms: list[str], tier: int) -> tuple[str, list]:
        """A condition on the article table, as SQL and parameters: the story matches every
        term, and in `tier`: a term in its headline (HEADLINE); else in its kicker or dek
        (DEK); else only in its body (BODY)."""
        ...

    def anywhere(self, terms: list[str]) -> tuple[str, list]:
        """A condition on the article table, as SQL and parameters: the story matches every
        term, in any of headline, kicker, dek and body."""
        ...

    def holding(self, word: str) -> tuple[str, list]:
        """A condition on the article table, as SQL and parameters: the story holds this
        indexed word itself (not as the start of a longer one), anywhere."""
        ...


class PostgresSearchBackend:
    TABLE = "articles_searchdocument"
    # The whole story, weighted (A headline, B kicker and dek, C body), plus the headline and the
    # kicker and dek on their own: GIN answers "in the headline" exactly, without reading the
    # (large, compressed) whole-story vector of every match, which a weight test would need.
    INSERT = f"""
        INSERT INTO {TABLE} (article_id, vector, headline_vector, dek_vector)
        VALUES (%(id)s,
                setweight(to_tsvector('simple', %(headline)s), 'A')
                || setweight(to_tsvector('simple', %(dek)s), 'B')
                || setweight(to_tsvector('simple', %(body)s), 'C'),
                to_tsvector('simple', %(headline)s),
                to_tsvector('simple', %(dek)s))
    """  # noqa: S608 - table name is ours, values as parameters

    @staticmethod
    def _row(article: Article) -> dict:
        headline, dek, body = _document_fields(article)
        return {"id": article.pk, "headline": headline, "dek": dek, "body": body}

    def index(self, article: Article) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                self.INSERT
                + """ ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector,
                    headline_vector = EXCLUDED.headline_vector, dek_vector = EXCLUDED.dek_vector""",
                self._row(article),
            )

    def add_many(self, articles: Iterable[Article]) -> None:
        """Index articles known to be absent from the index (a rebuild), in one statement."""
        with connection.cursor() as cursor:
            cursor.executemany(self.INSERT, [self._row(article) for article in articles])

    def remove(self, article_id: int) -> None:
        from articles.models import SearchDocument

        SearchDocument.objects.filter(article_id=article_id).delete()

    def clear(self) -> None:
        from articles.models import SearchDocument

        SearchDocument.objects.all().delete()

    @staticmethod
    def _tsquery(terms: list[str], operator: str) -> str:
        # Terms are letters and digits only (WORD), so quoting them is enough.
        return f" {operator} ".join(
            f"'{term}':*" if len(term) > 1 else f"'{term}'" for term in terms
        )

    def in_tier(self, terms: list[str], tier: int) -> tuple[str, list]:
        every, any_ = self._tsquery(terms, "&"), self._tsquery(terms, "|")
        in_headline = "headline_vector @@ to_tsquery('simple', %s)"
        in_dek = "dek_vector @@ to_tsquery('simple', %s)"
        condition, params = {
            HEADLINE: (in_headline, [any_]),
            DEK: (f"{in_dek} AND NOT {in_headline}", [any_, any_]),
            BODY: (f"NOT {in_headline} AND NOT {in_dek}", [any_, any_]),
        }[tier]
        if len(terms) > 1 or tier == BODY:
            # The small vectors first: the whole story's vector is read (and decompressed)
            # only for stories they let through. One word in the headline or the dek needs
            # no second look.
            condition += " AND vector @@ to_tsquery('simple', %s)"
            params.append(every)
        documents = f"SELECT article_id FROM {self.TABLE} WHERE {condition}"  # noqa: S608
        return f"{ARTICLE_ID} IN ({documents})", params

    def anywhere(self, terms: list[str]) -> tuple[str, list]:
        documents = f"SELECT article_id FROM {self.TABLE} WHERE vector @@ to_tsquery('simple', %s)"  # noqa: S608
        return f"{ARTICLE_ID} IN ({documents})", [self._tsquery(terms, "&")]

    def holding(self, word: str) -> tuple[str, list]:
        # A vocabulary word is letters only (WORD), so quoting it is enough; no `:*`.
        documents = f"SELECT article_id FROM {self.TABLE} WHERE vector @@ to_tsquery('simple', %s)"  # noqa: S608
        return f"{ARTICLE_ID} IN ({documents})", [f"'{word}'"]


class SqliteSearchBackend:
    def index(self, article: Article) -> None:
        headline, dek, body = _document_fields(article)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, headline, dek, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [article.pk, headline, dek, body],
            )

    def add_many(self, articles: Iterable[Article]) -> None:
        """Index articles known to be absent from the index (a rebuild), in one statement."""
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, headline, dek, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [(article.pk, *_document_fields(article)) for article in articles],
            )

    def remove(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article_id])  # noqa: S608

    def clear(self) -> None:
        # Deleting every row of an FTS5 table reads each one back to take its words out of the
        # index (30 s for 100,000 stories); a new, empty table is instant. The definition is
        # migration 0003's.
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FTS_TABLE}")
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} "
                "USING fts5(headline, dek, body, tokenize='unicode61')"
            )

    @staticmethod
    def _match(terms: list[str], operator: str) -> str:
        # Terms are letters and digits only; quoting keeps FTS5 syntax out of them anyway.
        return f" {operator} ".join(
            f'"{term}"*' if len(term) > 1 else f'"{term}"' for term in terms
        )

    def in_tier(self, terms: list[str], tier: int) -> tuple[str, list]:
        every, any_ = self._match(terms, "AND"), self._match(terms, "OR")
        in_headline, in_dek = f"headline : ({any_})", f"dek : ({any_})"
        match = {
            HEADLINE: f"({every}) AND {in_headline}",
            DEK: f"(({every}) AND {in_dek}) NOT {in_headline}",
            BODY: f"(({every}) NOT {in_headline}) NOT {in_dek}",
        }[tier]
        # The unary plus keeps SQLite from looking every match up by primary key (88,000 fat
        # rows for a common word): it walks the newest-first index instead, checks each id
        # against the matches, and stops at the LIMIT.
        matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return f"+{ARTICLE_ID} IN ({matches})", [match]

    def anywhere(self, terms: list[str]) -> tuple[str, list]:
        matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return f"+{ARTICLE_ID} IN ({matches})", [self._match(terms, "AND")]

    def holding(self, word: str) -> tuple[str, list]:
        # A quoted word without `*`: the token itself.
        matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return f"{ARTICLE_ID} IN ({matches})", [f'"{word}"']


def backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresSearchBackend()
    if connection.vendor == "sqlite":
        return SqliteSearchBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}")


# The index, kept current.


def index_article(article: Article) -> None:
    backend().index(article)
    add_to_vocabulary([article])


def rebuild_index(articles: Iterable[Article]) -> None:
    """Empty the index and fill it again from `articles` (batches keep memory flat); the
    vocabulary too, so it forgets the words of deleted stories. The articles carry their
    `status` and the searched fields."""
    caching.bump([deps.SEARCH])
    backend().clear()
    SearchWord.objects.all().delete()
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= REBUILD_BATCH:
            backend().add_many(batch)
            add_to_vocabulary(batch)
            batch = []
    if batch:
        backend().add_many(batch)
        add_to_vocabulary(batch)


def remove_article(article_id: int) -> None:
    backend().remove(article_id)


def clear_index() -> None:
    caching.bump([deps.SEARCH])
    backend().clear()
    SearchWord.objects.all().delete()


# The vocabulary suggestions come from.


@functools.lru_cache(maxsize=65536)
def vocabulary_entry(raw: str) -> tuple[str, str] | None:
    """A word of a story as the vocabulary keeps it: (its normalized form without the article,
    as a query term is; the same letters as written), or None for a word not worth
    suggesting (short, long, or holding digits)."""
    written = unmarked(raw)
    normalized = normalize_arabic(written).casefold()
    word = strip_definite_article(normalized)
    if not SUGGESTED_MIN_LENGTH <= len(word) <= VOCABULARY_WORD_MAX_LENGTH or not word.isalpha():
        return None
    # Normalization maps letter to letter, so the written word ends with the same letters.
    spelling = written[len(written) - len(word) :] if len(written) == len(normalized) else word
    return word, spelling


def _story_text(article: Article) -> str:
    return " ".join(
        html.unescape(strip_tags(getattr(article, name)))
        for tier in declared.Search
        for name in declared.in_search_tier(tier)
    )


def add_to_vocabulary(articles: Iterable[Article]) -> None:
    """The words of these stories join the vocabulary when they are published or scheduled;
    a draft's never do. One statement; words already known keep their first spelling."""
    words: dict[str, str] = {}
    for article in articles:
        if article.status not in Article.LIVE_STATUSES:
            continue
        for raw in RAW_WORD.findall(_story_text(article)):
            entry = vocabulary_entry(raw)
            if entry is not None:
                words.setdefault(*entry)
    if words:
        SearchWord.objects.bulk_create(
            [SearchWord(word=word, spelling=spelling) for word, spelling in words.items()],
            ignore_conflicts=True,
            batch_size=REBUILD_BATCH,
        )


def vocabulary() -> dict[str, str]:
    """Every word of the vocabulary and its spelling: read once, then kept until a public
    story changes (HOME) or the index is rebuilt (SEARCH)."""
    return caching.piece(
        VOCABULARY_KEY,
        [deps.HOME, deps.SEARCH],
        lambda: dict(SearchWord.objects.order_by().values_list("word", "spelling")),
    )


def on_article_saved(sender, instance: Article, **kwargs) -> None:
    index_article(instance)


def on_article_deleted(sender, instance: Article, **kwargs) -> None:
    remove_article(instance.pk)


# Reading it.


def _published_between(since: date | None, until: date | None) -> models.QuerySet:
    """Published stories of the days from `since` to `until`, both included, as the paper's
    clock tells days."""
    published = Article.objects.published()
    if since is not None:
        published = published.filter(published_at__gte=_day_start(since))
    if until is not None:
        published = published.filter(published_at__lt=_day_start(until + timedelta(days=1)))
    return published


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_article_ids(
    terms: list[str],
    *,
    limit: int | None = None,
    order: Order = Order.RELEVANCE,
    since: date | None = None,
    until: date | None = None,
) -> list[int]:
    """Ids of published articles matching every term, best first (or newest first with
    `Order.NEWEST`), published from the day `since` to the day `until`, in one query.

    Headline matches first, then kicker or dek, then body; newest first within each. Each tier
    is a short read (its newest `limit` published stories, stopped by the LIMIT), and a tier
    is not read at all when the better ones already fill the list, so a word found in almost
    every story costs no more than a rare one. Ranking every match by a score (bm25, ts_rank)
    took seconds at 100,000 stories.
    """
    limit = limit or settings.NEWSROOM_SEARCH_MAX_RESULTS
    published = _published_between(since, until)
    if order == Order.NEWEST:
        condition, condition_params = backend().anywhere(terms)
        return list(
            published.filter(RawSQL(condition, condition_params, output_field=BooleanField()))  # noqa: S611
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )
    names, ctes, selects, params = [], [], [], []
    for tier in (HEADLINE, DEK, BODY):
        condition, condition_params = backend().in_tier(terms, tier)
        # A constant condition, checked once before the tier is read: are better tiers short
        # of `limit` stories?
        found_above = " + ".join(f"(SELECT count(*) FROM {name})" for name in names) or "0"  # noqa: S608
        newest = (
            published.filter(RawSQL(f"{found_above} < %s", [limit], output_field=BooleanField()))  # noqa: S611
            .filter(RawSQL(condition, condition_params, output_field=BooleanField()))  # noqa: S611
            .order_by("-published_at", "-pk")
            .values_list("pk", "published_at")[:limit]
        )
        sql, newest_params = newest.query.sql_with_params()
        name = f"tier_{tier}"
        ctes.append(f"{name} AS ({sql})")
        selects.append(f"SELECT *, {tier} FROM {name}")  # noqa: S608
        names.append(name)
        params += newest_params
    # Django compiled each `sql`; every value stays a parameter. Columns: id, published_at, tier.
    sql = (
        f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)} "
        "ORDER BY 3 DESC, 2 DESC, 1 DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class Suggestion:
    """A query close to the reader's that finds stories: its terms, and its words as the
    stories write them (for the link)."""

    terms: list[str]
    text: str


def _max_edits(term: str) -> int:
    return 1 if len(term) <= 5 else 2


def suggest(
    terms: list[str], *, since: date | None = None, until: date | None = None
) -> Suggestion | None:
    """For a query that found nothing: the closest spelling that finds published stories of
    those days, or None. Each query word the vocabulary lacks is replaced by its closest
    vocabulary word (fewest edits) that a published story holds; the query so corrected must
    then find a story. Two queries at most, whatever the vocabulary holds: which close words
    published stories hold, and the corrected query itself.

    The vocabulary holds no draft's word; a word of a scheduled or withdrawn story is passed
    over here, as no story a reader may see holds it."""
    words = vocabulary()
    close: dict[str, list[str]] = {}
    for term in terms:
        if term in words or len(term) < SUGGESTED_MIN_LENGTH:
            continue
        found = process.extract(
            term,
            words.keys(),
            scorer=Levenshtein.distance,
            score_cutoff=_max_edits(term),
            limit=SUGGESTION_CANDIDATES,
        )
        if found:
            close[term] = [word for word, _edits, _index in found]
    if not close:
        return None
    public = _held_by_published_stories(
        [word for candidates in close.values() for word in candidates]
    )
    corrected = []
    for term in terms:
        candidates = [word for word in close.get(term, []) if word in public]
        corrected.append(candidates[0] if candidates else term)
    if corrected == terms or not search_article_ids(corrected, limit=1, since=since, until=until):
        return None
    return Suggestion(terms=corrected, text=" ".join(words.get(term, term) for term in corrected))


def _held_by_published_stories(words: list[str]) -> set[str]:
    """Which of these words some published story holds, in one query."""
    words = list(dict.fromkeys(words))
    selects, params = [], []
    for number, word in enumerate(words):
        condition, condition_params = backend().holding(word)
        holders = Article.objects.published().filter(
            RawSQL(condition, condition_params, output_field=BooleanField())  # noqa: S611
        )
        sql, holder_params = holders.order_by().values("pk").query.sql_with_params()
        # Django compiled `sql`; every value stays a parameter.
        selects.append(f"SELECT {number} WHERE EXISTS ({sql})")
        params += holder_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return {words[row[0]] for row in cursor.fetchall()}


def desk_matches(queryset: models.QuerySet, terms: list[str]) -> models.QuerySet:
    """The stories of `queryset`, in any state, that the desk's search finds: every term in
    the story's headline, kicker, dek or body (the readers' index and normalization), or
    every term in the name of an editor who signs it. Visibility is not checked here: the
    admin lists drafts too, and readers' search goes through `search_article_ids`."""
    text_sql, text_params = backend().anywhere(terms)
    matches = Q(RawSQL(text_sql, text_params, output_field=BooleanField()))  # noqa: S611
    signers = editors_named(terms)
    if signers:
        matches |= Q(
            pk__in=ArticleAuthor.objects.filter(editor_id__in=signers).values("article_id")
        )
    return queryset.filter(matches)


def editors_named(terms: list[str]) -> list[int]:
    """Ids of the editors whose name holds every term, spelt as search spells it (a term is
    a word's start, the article «ال» optional): the staff list is short next to the archive,
    so names are compared here rather than indexed."""
    found = []
    for pk, name in Editor.objects.order_by().values_list("pk", "name"):
        words = name.split()
        if all(any(_word_matches(word, [term]) for word in words) for term in terms):
            found.append(pk)
    return found


# Highlighting, the same on both backends.


def _word_matches(word: str, terms: list[str]) -> bool:
    return _matches(word, tuple(terms))


# Highlighting tests every word of a passage, and a result page's passages share most of their
# words: each word is compared with a query's terms once.
@functools.lru_cache(maxsize=65536)
def _matches(word: str, terms: tuple[str, ...]) -> bool:
    forms = index_forms(normalize_arabic(word).casefold())
    return any(
        form.startswith(term) if len(term) > 1 else form == term for form in forms for term in terms
    )


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every word a term matches wrapped in <mark>."""
    parts, last = [], 0
    for match in RAW_WORD.finditer(text):
        if _word_matches(match.group(), terms):
            before, word = text[last : match.start()], match.group()
            parts += [escape(before), "<mark>", escape(word), "</mark>"]
            last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


SNIPPET_LENGTH = 240
SNIPPET_LEAD = 80


def snippet(article, terms: list[str]) -> SafeString:
    """A passage of the body around the first match (or the dek), highlighted."""
    text = " ".join(html.unescape(strip_tags(article.body)).split())
    first = next((m for m in RAW_WORD.finditer(text) if _word_matches(m.group(), terms)), None)
    if first is None:
        return highlight(article.dek or text[:SNIPPET_LENGTH], terms)
    start = max(0, first.start() - SNIPPET_LEAD)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > first.end() else end
    passage = highlight(text[start:end], terms)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{passage}{suffix}")  # noqa: S308 - passage is escaped
