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
from typing import Protocol

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.arabic import normalize_arabic
from articles.models import Article, ArticleAuthor, Editor
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


def backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresSearchBackend()
    if connection.vendor == "sqlite":
        return SqliteSearchBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}")


# The index, kept current.


def index_article(article: Article) -> None:
    backend().index(article)


def rebuild_index(articles: Iterable[Article]) -> None:
    """Empty the index and fill it again from `articles` (batches keep memory flat)."""
    caching.bump([deps.SEARCH])
    backend().clear()
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= REBUILD_BATCH:
            backend().add_many(batch)
            batch = []
    if batch:
        backend().add_many(batch)


def remove_article(article_id: int) -> None:
    backend().remove(article_id)


def clear_index() -> None:
    caching.bump([deps.SEARCH])
    backend().clear()


def on_article_saved(sender, instance: Article, **kwargs) -> None:
    index_article(instance)


def on_article_deleted(sender, instance: Article, **kwargs) -> None:
    remove_article(instance.pk)


# Reading it.


def search_article_ids(terms: list[str], *, limit: int | None = None) -> list[int]:
    """Ids of published articles matching every term, best first, in one query.

    Headline matches first, then kicker or dek, then body; newest first within each. Each tier
    is a short read (its newest `limit` published stories, stopped by the LIMIT), and a tier
    is not read at all when the better ones already fill the list, so a word found in almost
    every story costs no more than a rare one. Ranking every match by a score (bm25, ts_rank)
    took seconds at 100,000 stories.
    """
    limit = limit or settings.NEWSROOM_SEARCH_MAX_RESULTS
    names, ctes, selects, params = [], [], [], []
    for tier in (HEADLINE, DEK, BODY):
        condition, condition_params = backend().in_tier(terms, tier)
        # A constant condition, checked once before the tier is read: are better tiers short
        # of `limit` stories?
        found_above = " + ".join(f"(SELECT count(*) FROM {name})" for name in names) or "0"  # noqa: S608
        newest = (
            Article.objects.published()
            .filter(RawSQL(f"{found_above} < %s", [limit], output_field=BooleanField()))  # noqa: S611
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
