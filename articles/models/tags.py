from django.db import models
from taggit.models import TagBase, TaggedItemBase

from articles.addresses import address
from articles.arabic import arabic_slugify
from articles.models.articles import Article


class Tag(TagBase):
    """A topic readers can follow across sections, with a readable Arabic slug."""

    class Meta:
        verbose_name = "وسم"
        verbose_name_plural = "الوسوم"
        ordering = ["name"]

    def get_absolute_url(self):
        return address("articles:tag", slug=self.slug)

    def slugify(self, tag, i=None):
        # taggit calls this for new tags (and again with i=1, 2… on a clash). Arabic letters
        # stay, tatweel and bidi marks go, and a name with no letters still gets a slug.
        slug = arabic_slugify(tag, max_length=90) or "وسم"
        return slug if i is None else f"{slug}-{i}"


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items", verbose_name="الخبر"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_articles", verbose_name="الوسم"
    )

    class Meta:
        verbose_name = "وسم الخبر"
        verbose_name_plural = "وسوم الأخبار"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]
        # A tag's latest stories, read in order and stopped early (related stories).
        indexes = [models.Index(fields=["tag", "-content_object"], name="tagged_tag_latest_idx")]
