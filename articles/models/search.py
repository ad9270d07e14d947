from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models.articles import Article


class SearchDocument(models.Model):
    """The PostgreSQL full-text index of one article, kept current by `articles.search`.

    On SQLite the index lives in the FTS5 table `articles_search_fts` instead (created by the
    migration on SQLite only) and this table stays empty.
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name="الخبر",
    )
    vector = SearchVectorField(null=True)
    # The headline, and the kicker with the dek, on their own: search ranks by where a story
    # matches, and GIN answers that exactly from these small vectors.
    headline_vector = SearchVectorField(null=True)
    dek_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = "فهرس البحث"
        verbose_name_plural = "فهرس البحث"
        indexes = [
            GinIndex(fields=["vector"], name="search_document_vector_gin"),
            GinIndex(fields=["headline_vector"], name="search_document_headline_gin"),
            GinIndex(fields=["dek_vector"], name="search_document_dek_gin"),
        ]

    def __str__(self):
        return f"فهرس: {self.article_id}"


class SearchWord(models.Model):
    """A word of a story that was published or scheduled when it was indexed, as search spells
    it: the vocabulary «did you mean» suggestions are drawn from (`articles.search.suggest`).

    The table only grows; a word is suggested only once a story a reader may see now holds it
    (checked when suggesting), so a word of a withdrawn or not yet released story stays unseen.
    Drafts never add words.
    """

    # The normalized word, without the definite article, as a query term is (search.parse_query).
    word = models.CharField("الكلمة", max_length=64, primary_key=True)
    # The word as a story first wrote it (hamza, taa marbuta), for the suggestion's link.
    spelling = models.CharField("كما كُتبت", max_length=64)

    class Meta:
        verbose_name = "كلمة من كلمات البحث"
        verbose_name_plural = "كلمات البحث"
        ordering = ["word"]

    def __str__(self):
        return self.spelling
