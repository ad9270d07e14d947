"""Which cached pages a change makes stale, wired to every path that writes.

These are signal receivers on purpose: the admin, the workflow services, the importer, the shell
and bulk scripts that call save() all change what readers see, and none of them may forget to
purge. The pages themselves are described in `pages.py`, their dependencies in `deps.py`.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    Editor,
    LiveEntry,
    Masthead,
    Section,
    Tag,
    TaggedArticle,
)
from articles.pagecache import pages as caching
from articles.pagecache.deps import CORRECTIONS, SITE, Dep, of_article


def dependencies_of(article: Article, *, also_section_ids=()) -> set[Dep]:
    """The cached pages that show this article, as the database has it now."""
    return of_article(
        article_id=article.pk,
        section_slugs=Section.objects.filter(
            pk__in={article.section_id, *also_section_ids} - {None}
        ).values_list("slug", flat=True),
        editor_slugs=article.bylines.values_list("editor__slug", flat=True),
        tag_slugs=article.tags.values_list("slug", flat=True),
    )


@receiver(pre_save, sender=Article)
def remember_what_readers_saw(sender, instance, raw=False, **kwargs):
    instance._cache_before = None
    if not raw and instance.pk is not None:
        instance._cache_before = (
            Article.objects.filter(pk=instance.pk)
            .values("status", "published_at", "section_id")
            .first()
        )


@receiver(post_save, sender=Article)
def purge_pages_showing_the_article(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_cache_before", None) or {}
    states = [(instance.status, instance.published_at)]
    if before:
        states.append((before["status"], before["published_at"]))
    if any(Article.is_awaiting_state(status=s, published_at=at) for s, at in states):
        caching.forget_schedule()
    if not any(Article.is_public_state(status=s, published_at=at) for s, at in states):
        return  # a draft, or a story still waiting for its minute: no reader page shows it
    caching.bump(dependencies_of(instance, also_section_ids=[before.get("section_id")]))


@receiver(pre_delete, sender=Article)
def purge_pages_of_a_deleted_article(sender, instance, **kwargs):
    # Before the delete, while its bylines and tags can still be read.
    if instance.is_published:
        caching.bump(dependencies_of(instance))
    if Article.is_awaiting_state(status=instance.status, published_at=instance.published_at):
        caching.forget_schedule()


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def purge_pages_when_a_byline_changes(sender, instance, raw=False, **kwargs):
    """A byline is part of its story: changing it is an edit, dated like one. Cards are kept
    under their story's last edit (articles/cards.py), so lists need not read bylines to know
    whether a kept card still holds."""
    if raw:
        return
    Article.objects.filter(pk=instance.article_id).update(updated_at=timezone.now())
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None and article.is_published:
        editor = Editor.objects.filter(pk=instance.editor_id).values_list("slug", flat=True)
        caching.bump(dependencies_of(article) | {Dep.editor(slug) for slug in editor})


@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def purge_pages_when_a_note_changes(sender, instance, raw=False, **kwargs):
    """A correction, clarification or update shows on its story's page (and so in its feeds'
    items) and on the corrections page."""
    if raw:
        return
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None and article.is_published:
        caching.bump(dependencies_of(article) | {CORRECTIONS})


def live_entry_dependencies(article_id: int) -> set[Dep]:
    """What a change of a live story's published entry makes stale: its page and its live
    endpoint, and nothing else (no list shows entries)."""
    return {Dep.article(article_id), Dep.live(article_id)}


@receiver(pre_save, sender=LiveEntry)
def remember_whether_readers_saw_the_entry(sender, instance, raw=False, **kwargs):
    instance._was_published = (
        not raw
        and instance.pk is not None
        and LiveEntry.objects.filter(pk=instance.pk, state=LiveEntry.State.PUBLISHED).exists()
    )


@receiver(post_save, sender=LiveEntry)
@receiver(post_delete, sender=LiveEntry)
def purge_pages_when_a_live_entry_changes(sender, instance, raw=False, **kwargs):
    """A published entry (or one that was until now) shows on its story's page and in its
    live endpoint, while the story is public; a draft or an entry in review shows nowhere."""
    if raw:
        return
    if not (instance.is_published or getattr(instance, "_was_published", False)):
        return
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None and article.is_published:
        caching.bump(live_entry_dependencies(instance.article_id))


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def purge_pages_showing_a_renamed_tag(sender, instance, created=False, raw=False, **kwargs):
    """A new tag is on no page yet; a renamed or deleted one is on its page and its stories'."""
    if not (raw or created):
        caching.bump([Dep.tag(instance.slug)])


@receiver(post_save, sender=TaggedArticle)
@receiver(post_delete, sender=TaggedArticle)
def purge_pages_when_a_tag_changes(sender, instance, raw=False, **kwargs):
    if raw:
        return
    article = Article.objects.filter(pk=instance.content_object_id).first()
    if article is not None and article.is_published:
        tag = Tag.objects.filter(pk=instance.tag_id).values_list("slug", flat=True)
        caching.bump(dependencies_of(article) | {Dep.tag(slug) for slug in tag})


@receiver(post_save, sender=Editor)
@receiver(post_delete, sender=Editor)
@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=Masthead)
def purge_every_page_when_the_frame_changes(sender, raw=False, **kwargs):
    """Names of sections and staff, and the masthead, appear in every page's header or bylines."""
    if not raw:
        caching.bump([SITE])
