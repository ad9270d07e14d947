"""Arabic-aware full-text search over articles.

One normalization (`articles.arabic.normalize_arabic`) is applied to what we index and to what
readers type, so «مجلسي» finds «مجلسى» and «الاطلنطي» finds «الأطلنطي». Words are indexed as
written and, when they carry the article or a clitic plus article («ال», «وال», «بال», «فال»,
«كال», «لل»), also without it; every query word is a prefix, so «باكستان» finds «باكستانية»
and «ناتو» finds «الناتو».

Two backends, chosen by the database vendor, share that vocabulary:

* PostgreSQL: a weighted `tsvector` per article in `SearchDocument` (A headline, B kicker and
  dek, C body) with a GIN index, queried with prefix `tsquery` terms under the 'simple'
  configuration. PostgreSQL's 'arabic' snowball stemmer was tried and rejected: after
  normalization it stems «باكستانيه» to «باكس» but «باكستان» to «باكست», so the two never meet;
  prefix matching on 'simple' does what readers expect.
* SQLite: an FTS5 table `articles_search_fts(headline, dek, body)`, queried with prefix terms
  and ranked with `bm25()` column weights.

Both rank the same way: stories whose headline matches, then those whose kicker or dek matches,
then body-only matches; within a tier the backend's weighted score, then the newest first.
What a reader may see is decided by `Article.objects.published()` alone: the candidate ids are
always filtered through it, so drafts and scheduled stories never surface.

The index holds every article, draft or not, and is rewritten on every save (`index_article`,
wired to `post_save` in `ArticlesConfig.ready`) and cleared on delete; publishing needs no
re-index because visibility is checked at query time. `manage.py rebuild_search_index` rebuilds
it from scratch.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .arabic import normalize_arabic
from .models import Article

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
REBUILD_BATCH = 500


class SearchQueryError(ValueError):
    """The query cannot be searched; the message tells the reader why, in Arabic."""


def strip_definite_article(word: str) -> str:
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM_LENGTH:
            return word[len(prefix) :]
    return word


def index_forms(word: str) -> list[str]:
    """A normalized word as indexed: itself, then without article or clitic when it has one."""
    forms = [word]
    stem = strip_definite_article(word)
    if stem == word and word[:1] in CLITICS and len(word) > MIN_STEM_LENGTH:
        stem = word[1:]
    if stem != word:
        forms.append(stem)
    return forms


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
    headline = index_text(article.headline)
    dek = index_text(f"{article.kicker} {article.dek}")
    body = index_text(html.unescape(strip_tags(article.body)))
    return headline, dek, body


class SearchBackend(Protocol):
    def index(self, article: Article) -> None: ...

    def add_many(self, articles: Iterable[Article]) -> None: ...

    def remove(self, article_id: int) -> None: ...

    def clear(self) -> None: ...

    def ranked_ids(self, terms: list[str], among: QuerySet, limit: int) -> list[int]: ...


class PostgresSearchBackend:
    def index(self, article: Article) -> None:
        from .models import SearchDocument

        headline, dek, body = _document_fields(article)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {SearchDocument._meta.db_table} (article_id, vector)
                VALUES (%s, setweight(to_tsvector('simple', %s), 'A')
                         || setweight(to_tsvector('simple', %s), 'B')
                         || setweight(to_tsvector('simple', %s), 'C'))
                ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector
                """,  # noqa: S608 - table name from the model, values as parameters
                [article.pk, headline, dek, body],
            )

    def add_many(self, articles: Iterable[Article]) -> None:
        """Index articles known to be absent from the index (a rebuild), in one statement."""
        from .models import SearchDocument

        with connection.cursor() as cursor:
            cursor.executemany(
                f"""
                INSERT INTO {SearchDocument._meta.db_table} (article_id, vector)
                VALUES (%s, setweight(to_tsvector('simple', %s), 'A')
                         || setweight(to_tsvector('simple', %s), 'B')
                         || setweight(to_tsvector('simple', %s), 'C'))
                """,  # noqa: S608 - table name from the model, values as parameters
                [(article.pk, *_document_fields(article)) for article in articles],
            )

    def remove(self, article_id: int) -> None:
        from .models import SearchDocument

        SearchDocument.objects.filter(article_id=article_id).delete()

    def clear(self) -> None:
        from .models import SearchDocument

        SearchDocument.objects.all().delete()

    @staticmethod
    def _tsquery(terms: list[str], operator: str, weight: str = ""):
        from django.contrib.postgres.search import SearchQuery

        expression = f" {operator} ".join(
            f"'{term}':*{weight}" if len(term) > 1 else f"'{term}'{':' + weight if weight else ''}"
            for term in terms
        )
        return SearchQuery(expression, search_type="raw", config="simple")

    def ranked_ids(self, terms: list[str], among: QuerySet, limit: int) -> list[int]:
        from django.contrib.postgres.search import SearchRank

        from .models import SearchDocument

        query = self._tsquery(terms, "&")
        return list(
            SearchDocument.objects.filter(vector=query, article__in=among.values("pk"))
            .annotate(
                tier=Case(
                    When(vector=self._tsquery(terms, "|", "A"), then=Value(3)),
                    When(vector=self._tsquery(terms, "|", "B"), then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                score=SearchRank(F("vector"), query),
            )
            .order_by("-tier", "-score", "-article__published_at", "-article_id")
            .values_list("article_id", flat=True)[:limit]
        )


class SqliteSearchBackend:
    # bm25() weights per column: headline, dek, body.
    WEIGHTS = (10.0, 4.0, 1.0)

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
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608

    @staticmethod
    def _match(terms: list[str]) -> str:
        # Terms are letters and digits only; quoting keeps FTS5 syntax out of them anyway.
        return " AND ".join(f'"{term}"*' if len(term) > 1 else f'"{term}"' for term in terms)

    def ranked_ids(self, terms: list[str], among: QuerySet, limit: int) -> list[int]:
        among_sql, among_params = among.values("pk").query.sql_with_params()
        articles = Article._meta.db_table
        weights = ", ".join(str(weight) for weight in self.WEIGHTS)
        sql = f"""
            SELECT {FTS_TABLE}.rowid,
                   CASE WHEN bm25({FTS_TABLE}, 1.0, 0.0, 0.0) < 0 THEN 3
                        WHEN bm25({FTS_TABLE}, 0.0, 1.0, 0.0) < 0 THEN 2
                        ELSE 1 END AS tier,
                   bm25({FTS_TABLE}, {weights}) AS score
            FROM {FTS_TABLE} JOIN {articles} AS story ON story.id = {FTS_TABLE}.rowid
            WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN ({among_sql})
            ORDER BY tier DESC, score ASC, story.published_at DESC, story.id DESC
            LIMIT %s
        """  # noqa: S608 - identifiers are ours, every value is a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._match(terms), *among_params, limit])
            return [row[0] for row in cursor.fetchall()]


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
    backend().clear()


def on_article_saved(sender, instance: Article, **kwargs) -> None:
    index_article(instance)


def on_article_deleted(sender, instance: Article, **kwargs) -> None:
    remove_article(instance.pk)


# Reading it.


def search_article_ids(terms: list[str], *, limit: int | None = None) -> list[int]:
    """Ids of published articles matching every term, best first."""
    limit = limit or settings.NEWSROOM_SEARCH_MAX_RESULTS
    return backend().ranked_ids(terms, among=Article.objects.published(), limit=limit)


@dataclass
class SearchHit:
    article: Article
    headline: SafeString
    snippet: SafeString


def search_hits(article_ids: list[int], terms: list[str]) -> list[SearchHit]:
    """One page of results, in the given order, with highlighted headline and snippet."""
    articles = Article.objects.published().for_listing().in_bulk(article_ids)
    return [
        SearchHit(
            article=article,
            headline=highlight(article.headline, terms),
            snippet=snippet(article, terms),
        )
        for article in (articles.get(pk) for pk in article_ids)
        if article is not None
    ]


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


def snippet(article: Article, terms: list[str]) -> SafeString:
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
