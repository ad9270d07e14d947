from django.db import models

from articles.models.articles import Article


class DailyReadCount(models.Model):
    """How many readers opened an article on one (local) day, flushed in batches from the cache."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="read_counts", verbose_name="الخبر"
    )
    day = models.DateField("اليوم")
    count = models.PositiveIntegerField("عدد القراءات", default=0)

    class Meta:
        verbose_name = "قراءات يوم"
        verbose_name_plural = "القراءات اليومية"
        ordering = ["-day", "-count"]
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_read_count_per_day")
        ]
        indexes = [models.Index(fields=["day", "-count"], name="read_count_day_idx")]

    def __str__(self):
        return f"{self.article_id} — {self.day}: {self.count}"
