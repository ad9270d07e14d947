"""Work in progress that is not a version: an editor's unsaved form, and who has a story open."""

from django.conf import settings
from django.db import models


class Autosave(models.Model):
    """The last unsaved state of one editor's change or add form, kept until the story is saved.

    Stored raw, as typed: it is never rendered to readers, and it is sanitized like any other
    input when the editor restores it and saves the form.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # "<article id>" for a story that exists, "new-<client token>" for one not yet saved.
    story_key = models.CharField(max_length=64)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "story_key"], name="one_autosave_per_story")
        ]

    def __str__(self):
        return f"{self.user} / {self.story_key}"


class EditingPresence(models.Model):
    """One editor has this story's change form open; refreshed by the form's heartbeat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_presence_per_story")
        ]
        indexes = [models.Index(fields=["article", "seen_at"], name="presence_by_story")]

    def __str__(self):
        return f"{self.user} / {self.article_id}"
