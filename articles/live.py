"""Live coverage («تغطية مباشرة»): the desk's services, on the write side beside the workflow.

    live_start ──▶ entries posted, changed, pinned, deleted ──▶ live_end

Each service is keyword-only, checks the user's rights on the server (PermissionDenied with an
Arabic message), validates (ValidationError), runs in a transaction, keeps a version
(django-reversion) with the user and a comment, and announces what it did (`events`). Starting
and ending a coverage is a save of the story (`workflow._save`: its version, its pages purged).
An entry's change purges exactly its story's page and live endpoint (`Dep.article`, `Dep.live`,
bumped by `pagecache/invalidation.py` on the entry's save or delete).

Roles (`articles/roles.py`, migration 0022): a reporter writes entries, which stay drafts until
they send them to the desk (`live_entry_submit`); a desk editor or the chief publishes them
(`live_entry_publish`), posts published entries directly, pins key points, edits or deletes
anyone's entry, and starts and ends the coverage. A reporter changes or deletes only their own
draft entries.
"""

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import events
from articles.models import Article, Editor, LiveEntry
from articles.models.live import ADD_LIVE_ENTRY, PUBLISH_LIVE_ENTRY, RUN_LIVE_COVERAGE
from articles.workflow import User, _announce, _locked, _save, _sync

State = LiveEntry.State

RUN_REFUSAL = "بدء التغطية المباشرة وإنهاؤها من عمل محرري الديسك ورئيس التحرير."
WRITE_REFUSAL = "ليس لك أن تكتب تدوينات في التغطية المباشرة."
PUBLISH_REFUSAL = (
    "ليس لك أن تنشر تدوينة أو تثبتها؛ ذلك من عمل محرري الديسك ورئيس التحرير. أرسلها إلى الديسك."
)
OTHERS_REFUSAL = "لا تعدّل ولا تحذف إلا مسودات تدويناتك أنت التي لم ترسلها إلى الديسك."

# What a change of an entry may touch (keyword arguments of `live_entry_change`).
ENTRY_FIELDS = ("body", "photo", "photo_alt", "photo_caption")


def can_run_live(user: User) -> bool:
    return bool(user.is_active and user.has_perm(RUN_LIVE_COVERAGE))


def can_write_live(user: User) -> bool:
    return bool(user.is_active and user.has_perm(ADD_LIVE_ENTRY))


def can_publish_live(user: User) -> bool:
    return bool(user.is_active and user.has_perm(PUBLISH_LIVE_ENTRY))


def can_change_entry(*, entry: LiveEntry, user: User) -> bool:
    """The desk changes any entry; a reporter their own drafts (once sent to the desk, an
    entry is the desk's to publish, change or delete, as a story in review is)."""
    if can_publish_live(user):
        return True
    return (
        can_write_live(user)
        and user.is_authenticated
        and entry.created_by_id == user.pk
        and entry.state == State.DRAFT
    )


def _entry_locked(entry: LiveEntry) -> tuple[Article, LiveEntry]:
    story = _locked(entry.article)
    stored = LiveEntry.objects.select_for_update().get(pk=entry.pk, article=story)
    return story, stored


def _keep_version(entry: LiveEntry, *, by: User, comment: str) -> None:
    """A version of the entry as it is now (inside the service's revision)."""
    reversion.add_to_revision(entry)
    reversion.set_user(by if by.is_authenticated else None)
    reversion.set_comment(comment)


def _announce_entry(*, entry: LiveEntry, article: Article, by: User, action: str, label: str):
    _announce(article=article, by=by, action=action, label=label, comment=f"#{entry.pk}")


def _sync_entry(entry: LiveEntry, stored: LiveEntry) -> LiveEntry:
    for field in LiveEntry._meta.concrete_fields:
        setattr(entry, field.attname, getattr(stored, field.attname))
    return entry


# The coverage ---------------------------------------------------------------------------------


@events.announces_refusals("live_start")
@transaction.atomic
def live_start(*, article: Article, by: User) -> Article:
    """Open the story's live coverage: readers' pages show «مباشر» and follow its entries."""
    if not can_run_live(by):
        raise PermissionDenied(RUN_REFUSAL)
    stored = _locked(article)
    if stored.status == Article.Status.WITHDRAWN:
        raise ValidationError("لا تبدأ تغطية مباشرة لخبر مسحوب.", code="withdrawn")
    if stored.is_live:
        raise ValidationError("التغطية المباشرة لهذا الخبر جارية بالفعل.", code="already_live")
    stored.live_started_at = stored.live_started_at or timezone.now()
    stored.live_ended_at = None
    label = "بدأت التغطية المباشرة"
    _save(article=stored, by=by, comment=label)
    _announce(article=stored, by=by, action="live_start", label=label)
    return _sync(article, stored)


@events.announces_refusals("live_end")
@transaction.atomic
def live_end(*, article: Article, by: User) -> Article:
    """End the coverage: the page says so, its entries stay."""
    if not can_run_live(by):
        raise PermissionDenied(RUN_REFUSAL)
    stored = _locked(article)
    if not stored.is_live:
        raise ValidationError("لا تغطية مباشرة جارية لهذا الخبر.", code="not_live")
    stored.live_ended_at = timezone.now()
    label = "انتهت التغطية المباشرة"
    _save(article=stored, by=by, comment=label)
    _announce(article=stored, by=by, action="live_end", label=label)
    return _sync(article, stored)


def _save_entry(
    entry: LiveEntry, stored: LiveEntry, *, story: Article, by: User, action: str, label: str
) -> LiveEntry:
    """Save a changed entry as a version of its own, announce it, and hand the caller's copy
    the stored state."""
    with reversion.create_revision():
        stored.save()
        _keep_version(stored, by=by, comment=label)
    _announce_entry(entry=stored, article=story, by=by, action=action, label=label)
    return _sync_entry(entry, stored)


# Entries --------------------------------------------------------------------------------------


@events.announces_refusals("live_entry_post")
@transaction.atomic
def live_entry_post(
    *,
    article: Article,
    by: User,
    body: str,
    photo=None,
    photo_alt: str = "",
    photo_caption: str = "",
    pinned: bool = False,
    publish: bool | None = None,
) -> LiveEntry:
    """Write an entry in the story's live coverage. The desk's is published at once (unless
    `publish=False`); a reporter's is a draft they send to the desk (`live_entry_submit`)."""
    if not can_write_live(by):
        raise PermissionDenied(WRITE_REFUSAL)
    if publish is None:
        publish = can_publish_live(by)
    if (publish or pinned) and not can_publish_live(by):
        raise PermissionDenied(PUBLISH_REFUSAL)
    stored = _locked(article)
    if not stored.is_live:
        raise ValidationError(
            "لا تُكتب التدوينات إلا في تغطية مباشرة جارية؛ ابدأ التغطية أولًا.", code="not_live"
        )
    now = timezone.now()
    entry = LiveEntry(
        article=stored,
        body=body,
        photo_alt=photo_alt,
        photo_caption=photo_caption,
        pinned=pinned,
        state=State.PUBLISHED if publish else State.DRAFT,
        posted_at=now if publish else None,
        author=Editor.objects.filter(user=by).first() if by.is_authenticated else None,
        created_by=by if by.is_authenticated else None,
    )
    if photo:
        entry.photo = photo
    entry.full_clean()
    label = "نُشرت تدوينة مباشرة" if publish else "كُتبت مسودة تدوينة مباشرة"
    with reversion.create_revision():
        entry.save()
        _keep_version(entry, by=by, comment=label)
    _announce_entry(entry=entry, article=stored, by=by, action="live_entry_post", label=label)
    return entry


@events.announces_refusals("live_entry_change")
@transaction.atomic
def live_entry_change(*, entry: LiveEntry, by: User, **changes) -> LiveEntry:
    """Change an entry's text or photo (keyword arguments named as `ENTRY_FIELDS`). A published
    entry says it was edited; its earlier versions are kept."""
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"an entry has no {', '.join(sorted(unknown))}")
    story, stored = _entry_locked(entry)
    if not can_change_entry(entry=stored, user=by):
        raise PermissionDenied(OTHERS_REFUSAL if can_write_live(by) else WRITE_REFUSAL)
    for name, value in changes.items():
        setattr(stored, name, value if value is not None else "")
    if stored.state == State.PUBLISHED:
        stored.edited_at = timezone.now()
    stored.full_clean()
    return _save_entry(
        entry, stored, story=story, by=by, action="live_entry_change", label="عُدّلت تدوينة مباشرة"
    )


@events.announces_refusals("live_entry_delete")
@transaction.atomic
def live_entry_delete(*, entry: LiveEntry, by: User) -> None:
    """Remove an entry: readers no longer see it; its versions stay in the history (the last
    one records the deletion)."""
    story, stored = _entry_locked(entry)
    if not can_change_entry(entry=stored, user=by):
        raise PermissionDenied(OTHERS_REFUSAL if can_write_live(by) else WRITE_REFUSAL)
    label = "حُذفت تدوينة مباشرة"
    with reversion.create_revision():
        _keep_version(stored, by=by, comment=label)
    stored.delete()
    _announce_entry(entry=stored, article=story, by=by, action="live_entry_delete", label=label)


@events.announces_refusals("live_entry_pin")
@transaction.atomic
def live_entry_pin(*, entry: LiveEntry, by: User, pinned: bool = True) -> LiveEntry:
    """Make a published entry one of the coverage's key points («أبرز النقاط»), or no longer."""
    if not can_publish_live(by):
        raise PermissionDenied(PUBLISH_REFUSAL)
    story, stored = _entry_locked(entry)
    if pinned and stored.state != State.PUBLISHED:
        raise ValidationError("لا تُثبَّت إلا تدوينة منشورة.", code="not_published")
    stored.pinned = pinned
    return _save_entry(
        entry,
        stored,
        story=story,
        by=by,
        action="live_entry_pin",
        label="ثُبّتت تدوينة في أبرز النقاط" if pinned else "أُلغي تثبيت تدوينة",
    )


@events.announces_refusals("live_entry_submit")
@transaction.atomic
def live_entry_submit(*, entry: LiveEntry, by: User) -> LiveEntry:
    """A reporter sends their draft entry to the desk, which publishes it or not."""
    story, stored = _entry_locked(entry)
    if not can_change_entry(entry=stored, user=by):
        raise PermissionDenied(OTHERS_REFUSAL if can_write_live(by) else WRITE_REFUSAL)
    if stored.state != State.DRAFT:
        raise ValidationError("لا تُرسل إلى الديسك إلا مسودة.", code="not_draft")
    stored.state = State.REVIEW
    return _save_entry(
        entry,
        stored,
        story=story,
        by=by,
        action="live_entry_submit",
        label="أُرسلت تدوينة مباشرة إلى الديسك",
    )


@events.announces_refusals("live_entry_publish")
@transaction.atomic
def live_entry_publish(*, entry: LiveEntry, by: User) -> LiveEntry:
    """The desk publishes a draft or a reporter's entry in review: readers see it from now."""
    if not can_publish_live(by):
        raise PermissionDenied(PUBLISH_REFUSAL)
    story, stored = _entry_locked(entry)
    if stored.state == State.PUBLISHED:
        raise ValidationError("هذه التدوينة منشورة بالفعل.", code="already_published")
    stored.state = State.PUBLISHED
    stored.posted_at = timezone.now()
    stored.full_clean()
    return _save_entry(
        entry, stored, story=story, by=by, action="live_entry_publish", label="نُشرت تدوينة مباشرة"
    )
