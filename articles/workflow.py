"""The editorial workflow: every move of an article between states, and every desk write.

    draft ──submit──▶ review ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                 │  └──schedule──▶ scheduled ─(its minute)─▶ published
      └────send back────┘                    │                          │
      ▲                                      │                          │
      └───────────── return to draft ◀───────┴──────────────────────────┘

Each service is keyword-only, checks the user's permission on the server (PermissionDenied with an
Arabic message), refuses an impossible move (ValidationError), runs `full_clean()` in a transaction,
keeps a version (django-reversion) with the user and a comment, and records each state move as an
`ArticleTransition`; publishing, withdrawing and sending back to draft also end the story's share
links (`articles/preview.py`). Each service announces what it did (`articles/events.py`:
`workflow_moved`, and `permission_refused` when it refuses someone) for the audit trail in
`staff/`, which this module never imports. The admin, its list actions and any command call
these, never `save()` with a new status. Every write goes through `_save()`, the one place for
what must follow any change of a story; cached pages are purged by `articles/invalidation.py`
on the save it makes.

The desk's notes on a published story (corrections, clarifications, updates) are written here
too (`correction_add`, `correction_change`, `correction_delete`): the permission
`articles.publish_correction`, a version of the story (which follows its notes) and an
announcement, like every other write; the story's revised time follows its newest note.

A scheduled story needs no worker: `Article.objects.published()` shows it from its minute on.
"""

from dataclasses import dataclass
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from articles import events, preview
from articles.models import Article, ArticleAuthor, ArticleTransition, Correction, Editor
from articles.models import fields as declared
from articles.models.corrections import PUBLISH_CORRECTION

Status = Article.Status
User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the verb on buttons and actions: «نشر»
    done: str  # what the log and messages say afterwards: «نُشر»
    sources: frozenset[str]  # effective states the move starts from
    target: str
    permission: str
    refusal: str  # why someone without the permission is refused
    # The story stops being a preview (it goes out, is taken down or goes back to be reworked):
    # every share link made before stops working.
    ends_share_links: bool = False


SUBMIT = Move(
    "submit",
    "إرسال إلى المراجعة",
    "أُرسل إلى المراجعة",
    frozenset({Status.DRAFT}),
    Status.REVIEW,
    "articles.submit_article",
    "ليس لك أن ترسل هذا الخبر إلى المراجعة.",
)
SEND_BACK = Move(
    "send_back",
    "إعادة إلى الكاتب",
    "أُعيد إلى الكاتب",
    frozenset({Status.REVIEW}),
    Status.DRAFT,
    "articles.send_back_article",
    "إعادة الخبر إلى كاتبه من عمل محرري الديسك.",
    ends_share_links=True,
)
PUBLISH = Move(
    "publish",
    "نشر",
    "نُشر",
    frozenset({Status.DRAFT, Status.REVIEW, Status.SCHEDULED}),
    Status.PUBLISHED,
    "articles.publish_article",
    "ليس لك أن تنشر الأخبار؛ النشر من عمل محرري الديسك ورئيس التحرير.",
    ends_share_links=True,
)
SCHEDULE = Move(
    "schedule",
    "جدولة",
    "جُدول",
    frozenset({Status.DRAFT, Status.REVIEW, Status.SCHEDULED}),
    Status.SCHEDULED,
    "articles.schedule_article",
    "ليس لك أن تجدول نشر الأخبار؛ الجدولة من عمل محرري الديسك ورئيس التحرير.",
)
WITHDRAW = Move(
    "withdraw",
    "سحب",
    "سُحب",
    frozenset({Status.PUBLISHED}),
    Status.WITHDRAWN,
    "articles.withdraw_article",
    "ليس لك أن تسحب خبرًا منشورًا؛ السحب من عمل محرري الديسك ورئيس التحرير.",
    ends_share_links=True,
)
RETURN_TO_DRAFT = Move(
    "return_to_draft",
    "إعادة إلى المسودة",
    "أُعيد إلى المسودة",
    frozenset({Status.SCHEDULED, Status.WITHDRAWN}),
    Status.DRAFT,
    "articles.send_back_article",
    "إعادة الخبر إلى المسودة من عمل محرري الديسك.",
    ends_share_links=True,
)
MOVES = (SUBMIT, SEND_BACK, PUBLISH, SCHEDULE, WITHDRAW, RETURN_TO_DRAFT)

HOME_PAGE_PERMISSION = "articles.manage_home_page"
HOME_PAGE_REFUSAL = "تثبيت الخبر الرئيسي وتعليم العاجل والمميز من عمل محرري الديسك."

# What a restored version brings back: the copy, never the workflow state or the home-page flags.
RESTORED_FIELDS = declared.RESTORED


# Reading the rules ----------------------------------------------------------------------------


def is_own(*, article: Article, user: User) -> bool:
    """The user started the article or signs it through their staff profile."""
    if article.pk is None:
        return True
    if not user.is_authenticated:
        return False
    return article.created_by_id == user.pk or article.authors.filter(user=user).exists()


def can_edit(*, article: Article, user: User) -> bool:
    """Desk editors edit any article; a reporter edits only their own drafts."""
    if not (user.is_active and user.has_perm("articles.change_article")):
        return False
    if user.has_perm("articles.edit_others_article"):
        return True
    return article.pk is None or (
        article.status == Status.DRAFT and is_own(article=article, user=user)
    )


def check_move(*, article: Article, user: User, move: Move) -> None:
    """Raise PermissionDenied or ValidationError, in Arabic, unless `user` may make `move` now."""
    if not (user.is_active and user.has_perm(move.permission)):
        raise PermissionDenied(move.refusal)
    if move is SUBMIT and not can_edit(article=article, user=user):
        raise PermissionDenied("لا ترسل إلى المراجعة إلا مسوداتك أنت.")
    state = article.effective_status
    if state not in move.sources:
        raise ValidationError(
            f"لا يمكن «{move.label}» خبر حالته «{Status(state).label}».", code="invalid_move"
        )


def available_moves(*, article: Article, user: User) -> list[Move]:
    """The moves `user` may make on `article` now, for buttons, actions and the status field."""
    allowed = []
    for move in MOVES:
        try:
            check_move(article=article, user=user, move=move)
        except (PermissionDenied, ValidationError):
            continue
        allowed.append(move)
    return allowed


def move_to(target: str, *, current: str) -> Move | None:
    """The move that takes an article in state `current` to `target` (None if none does)."""
    for move in MOVES:
        if move.target == target and current in move.sources:
            return move
    return None


# The one path every write takes ---------------------------------------------------------------


def _save(*, article: Article, by: User, comment: str) -> Article:
    """Validate and save `article`, keeping a version with its author, time and comment.

    Every service ends here, so anything that must follow any workflow change belongs here. The
    purge of cached pages needs nothing more: it runs on the save (articles/invalidation.py).
    """
    article.updated_by = by if by.is_authenticated else None
    article.full_clean()
    with reversion.create_revision():
        article.save()
        # Explicitly, so this state replaces whatever an enclosing admin save recorded earlier.
        reversion.add_to_revision(article)
        reversion.set_user(article.updated_by)
        reversion.set_comment(comment)
    return article


def _locked(article: Article) -> Article:
    """The stored article, locked until the transaction ends, so two moves cannot interleave."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _sync(article: Article, stored: Article) -> Article:
    """Bring the caller's instance up to date with what was saved."""
    for field in Article._meta.concrete_fields:
        setattr(article, field.attname, getattr(stored, field.attname))
    return article


_KEEP = object()


def _move(
    *,
    article: Article,
    by: User,
    move: Move,
    comment: str = "",
    published_at=_KEEP,
    withdrawal_note=_KEEP,
) -> Article:
    """Make one state move: check it, save the new state with a version, record the transition.

    The move is judged on the stored article, locked, not on the caller's copy, and only the
    workflow fields change: a service never writes stale copy over someone else's edit.
    """
    stored = _locked(article)
    check_move(article=stored, user=by, move=move)
    from_status = stored.effective_status
    stored.status = move.target
    if published_at is not _KEEP:
        stored.published_at = published_at
    if withdrawal_note is not _KEEP:
        stored.withdrawal_note = withdrawal_note
    comment = comment.strip()
    _save(article=stored, by=by, comment=f"{move.done}: {comment}" if comment else move.done)
    ArticleTransition.objects.create(
        article=stored,
        from_status=from_status,
        to_status=move.target,
        by=by if by.is_authenticated else None,
        comment=comment,
    )
    if move.ends_share_links:
        preview.share_links_end(article=stored, by=by, reason=move.done)
    _announce(
        article=stored,
        by=by,
        action=move.name,
        label=move.done,
        from_status=from_status,
        to_status=move.target,
        comment=comment,
    )
    return _sync(article, stored)


def _announce(*, article: Article, by: User, action: str, label: str, **states) -> None:
    """Tell the audit trail (staff/signals.py) what a service did, inside its transaction."""
    events.workflow_moved.send(
        sender=Article, article=article, by=by, action=action, label=label, **states
    )


# Edits ----------------------------------------------------------------------------------------


@events.announces_refusals("edit")
@transaction.atomic
def article_save(*, article: Article, by: User, comment: str = "") -> Article:
    """Save an edit of an article's copy (the admin's form); its state does not change here."""
    if not can_edit(article=article, user=by):
        raise PermissionDenied("ليس لك أن تعدّل هذا الخبر.")
    if article.pk is None:
        if article.status != Status.DRAFT:
            raise ValidationError("يبدأ كل خبر مسودة؛ انقله بعدها عبر مراحل التحرير.")
    elif _locked(article).status != article.status:
        raise ValidationError("تتغير حالة الخبر عبر مراحل التحرير، لا بالحفظ المباشر.")
    if article.pk is None:
        # A new story's row is recorded as created (django-auditlog, staff/trail.py), whoever
        # writes it.
        return _save(article=article, by=by, comment=comment or "أُنشئ")
    _save(article=article, by=by, comment=comment or "عُدّل")
    _announce(article=article, by=by, action="edit", label="عُدّل", comment=comment)
    return article


# State moves -----------------------------------------------------------------------------------


@events.announces_refusals("submit")
@transaction.atomic
def article_submit(*, article: Article, by: User, comment: str = "") -> Article:
    """A reporter (or anyone who may edit it) sends a draft to the desk."""
    return _move(article=article, by=by, move=SUBMIT, comment=comment)


@events.announces_refusals("send_back")
@transaction.atomic
def article_send_back(*, article: Article, by: User, comment: str) -> Article:
    """The desk returns a story in review to its writer, saying why."""
    if not comment.strip():
        raise ValidationError(
            {"comment": "اكتب للكاتب سبب إعادة الخبر وما المطلوب منه."}, code="required"
        )
    return _move(article=article, by=by, move=SEND_BACK, comment=comment, published_at=None)


@events.announces_refusals("publish")
@transaction.atomic
def article_publish(
    *, article: Article, by: User, at: datetime | None = None, comment: str = ""
) -> Article:
    """Publish now, or at a time already past (`at`) when the desk backdates a story."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError(
            {"published_at": "هذا الوقت في المستقبل: اختر «جدولة» لينشر الخبر في موعده."},
            code="future",
        )
    return _move(article=article, by=by, move=PUBLISH, comment=comment, published_at=at or now)


@events.announces_refusals("schedule")
@transaction.atomic
def article_schedule(*, article: Article, by: User, at: datetime, comment: str = "") -> Article:
    """Set the minute a story goes public; it appears then by itself, no worker needed."""
    if at is None or at <= timezone.now():
        raise ValidationError(
            {"published_at": "للجدولة اختر وقت نشر في المستقبل."}, code="not_future"
        )
    return _move(article=article, by=by, move=SCHEDULE, comment=comment, published_at=at)


@events.announces_refusals("withdraw")
@transaction.atomic
def article_withdraw(
    *, article: Article, by: User, comment: str = "", explanation: str = ""
) -> Article:
    """Take a published story down; its address answers 410 Gone from now on, with the
    `explanation` for readers when the desk gives one (the comment stays in the story's log)."""
    return _move(
        article=article,
        by=by,
        move=WITHDRAW,
        comment=comment,
        withdrawal_note=explanation.strip(),
    )


@events.announces_refusals("return_to_draft")
@transaction.atomic
def article_return_to_draft(*, article: Article, by: User, comment: str = "") -> Article:
    """Cancel a schedule, or bring a withdrawn story back to the desk to be reworked."""
    return _move(article=article, by=by, move=RETURN_TO_DRAFT, comment=comment, published_at=None)


SERVICES = {
    SUBMIT: article_submit,
    SEND_BACK: article_send_back,
    PUBLISH: article_publish,
    SCHEDULE: article_schedule,
    WITHDRAW: article_withdraw,
    RETURN_TO_DRAFT: article_return_to_draft,
}


# Home-page control ----------------------------------------------------------------------------


def _check_home_page(by: User) -> None:
    if not (by.is_active and by.has_perm(HOME_PAGE_PERMISSION)):
        raise PermissionDenied(HOME_PAGE_REFUSAL)


@events.announces_refusals("set_breaking")
@transaction.atomic
def article_set_breaking(*, article: Article, by: User, breaking: bool = True) -> Article:
    """Mark (or unmark) a story as breaking news for the home page's strip."""
    _check_home_page(by)
    stored = _locked(article)
    stored.is_breaking = breaking
    label = "عُلّم عاجلًا" if breaking else "أُلغيت صفة العاجل"
    _save(article=stored, by=by, comment=label)
    _announce(article=stored, by=by, action="set_breaking", label=label)
    return _sync(article, stored)


@events.announces_refusals("set_featured")
@transaction.atomic
def article_set_featured(*, article: Article, by: User, featured: bool = True) -> Article:
    """Add (or remove) a story to the editors' picks on the home page."""
    _check_home_page(by)
    stored = _locked(article)
    stored.is_featured = featured
    label = "عُلّم مميزًا" if featured else "أُلغيت صفة المميز"
    _save(article=stored, by=by, comment=label)
    _announce(article=stored, by=by, action="set_featured", label=label)
    return _sync(article, stored)


@events.announces_refusals("pin")
@transaction.atomic
def article_pin(*, article: Article, by: User, until: datetime | None = None) -> Article:
    """Make a story the home page's lead (until a time, or until unpinned); one lead at a time."""
    _check_home_page(by)
    if until is not None and until <= timezone.now():
        raise ValidationError({"pinned_until": "وقت انتهاء التثبيت يجب أن يكون في المستقبل."})
    for other in Article.objects.select_for_update().filter(is_pinned=True).exclude(pk=article.pk):
        other.is_pinned = False
        other.pinned_until = None
        _save(article=other, by=by, comment="أُلغي تثبيته لتثبيت خبر آخر")
        _announce(article=other, by=by, action="unpin", label="أُلغي تثبيته لتثبيت خبر آخر")
    stored = _locked(article)
    stored.is_pinned = True
    stored.pinned_until = until
    _save(article=stored, by=by, comment="ثُبّت في صدارة الصفحة الرئيسية")
    _announce(article=stored, by=by, action="pin", label="ثُبّت في صدارة الصفحة الرئيسية")
    return _sync(article, stored)


@events.announces_refusals("unpin")
@transaction.atomic
def article_unpin(*, article: Article, by: User) -> Article:
    _check_home_page(by)
    stored = _locked(article)
    stored.is_pinned = False
    stored.pinned_until = None
    _save(article=stored, by=by, comment="أُلغي تثبيته في الصدارة")
    _announce(article=stored, by=by, action="unpin", label="أُلغي تثبيته في الصدارة")
    return _sync(article, stored)


# Corrections, clarifications and updates ---------------------------------------------------

CORRECTION_REFUSAL = (
    "ليس لك أن تنشر تصحيحًا أو توضيحًا أو تحديثًا؛ ذلك من عمل محرري الديسك ورئيس التحرير."
)


def can_publish_corrections(user: User) -> bool:
    return bool(user.is_active and user.has_perm(PUBLISH_CORRECTION))


def _check_corrections(by: User) -> None:
    if not can_publish_corrections(by):
        raise PermissionDenied(CORRECTION_REFUSAL)


def _note_label(correction: Correction, done: str) -> str:
    return f"{done} {correction.get_kind_display()}"


def _after_note(*, article: Article, by: User, label: str, comment: str) -> Article:
    """What follows any change of a story's notes: its modified time follows the newest note,
    and a version of the story (which follows its notes) keeps the change with a comment."""
    newest = (
        Correction.objects.filter(article=article)
        .order_by("-noted_at")
        .values_list("noted_at", flat=True)
        .first()
    )
    times = [time for time in (article.revised_at, newest) if time is not None]
    if times:
        article.revised_at = max(times)
    _save(article=article, by=by, comment=label)
    _announce(article=article, by=by, action="correction", label=label, comment=comment)
    return article


@events.announces_refusals("correction_add")
@transaction.atomic
def correction_add(
    *,
    article: Article,
    by: User,
    kind: str,
    text: str,
    placement: str = Correction.Placement.BOTTOM,
    noted_at: datetime | None = None,
) -> Correction:
    """Add a typed, dated note to a published story, shown where the desk placed it."""
    _check_corrections(by)
    stored = _locked(article)
    if not stored.is_published:
        raise ValidationError(
            "لا تُضاف التصحيحات والتوضيحات والتحديثات إلا إلى خبر منشور.", code="not_published"
        )
    correction = Correction(
        article=stored,
        kind=kind,
        text=text,
        placement=placement,
        noted_at=noted_at or timezone.now(),
        created_by=by if by.is_authenticated else None,
    )
    correction.full_clean()
    with reversion.create_revision():
        correction.save()
        _after_note(
            article=stored,
            by=by,
            label=_note_label(correction, "أُضيف"),
            comment=correction.get_kind_display(),
        )
    _sync(article, stored)
    return correction


_NOTE_FIELDS = ("kind", "text", "placement", "noted_at")


@events.announces_refusals("correction_change")
@transaction.atomic
def correction_change(*, correction: Correction, by: User, **changes) -> Correction:
    """Change a note's kind, text, placement or date (keyword arguments by those names)."""
    _check_corrections(by)
    unknown = set(changes) - set(_NOTE_FIELDS)
    if unknown:
        raise TypeError(f"a note has no {', '.join(sorted(unknown))}")
    stored = _locked(correction.article)
    note = Correction.objects.select_for_update().get(pk=correction.pk, article=stored)
    for name, value in changes.items():
        setattr(note, name, value)
    note.full_clean()
    with reversion.create_revision():
        note.save()
        _after_note(
            article=stored,
            by=by,
            label=_note_label(note, "عُدّل"),
            comment=note.get_kind_display(),
        )
    for name in (*_NOTE_FIELDS, "updated_at"):
        setattr(correction, name, getattr(note, name))
    return correction


@events.announces_refusals("correction_delete")
@transaction.atomic
def correction_delete(*, correction: Correction, by: User) -> None:
    """Remove a note from its story (the story's earlier versions keep it)."""
    _check_corrections(by)
    stored = _locked(correction.article)
    note = Correction.objects.select_for_update().get(pk=correction.pk, article=stored)
    label = _note_label(note, "حُذف")
    with reversion.create_revision():
        note.delete()
        _after_note(article=stored, by=by, label=label, comment=note.get_kind_display())


# History --------------------------------------------------------------------------------------


@events.announces_refusals("restore_version")
@transaction.atomic
def article_restore_version(*, article: Article, version: Version, by: User) -> Article:
    """Bring back the copy and bylines of an older version, as a new version.

    The workflow state, publication time and home-page flags stay as they are now: restoring
    old text never publishes, unpublishes or reschedules anything.
    """
    stored = _locked(article)
    if not can_edit(article=stored, user=by):
        raise PermissionDenied("ليس لك أن تعدّل هذا الخبر، فلا يمكنك استعادة نسخة منه.")
    if version.content_type.model_class() is not Article or version.object_id != str(stored.pk):
        raise ValidationError("هذه النسخة ليست من هذا الخبر.")
    old = version.field_dict
    for name in RESTORED_FIELDS:
        field = Article._meta.get_field(name)
        value = old[field.attname]
        if field.is_relation:
            # A version can name a row deleted since (a section): the story keeps its own.
            if not field.related_model._default_manager.filter(pk=value).exists():
                continue
        elif hasattr(value, "name"):  # a file field's version holds the file, the row its name
            value = value.name
        setattr(stored, field.attname, value)

    bylines = sorted(
        (
            (byline.field_dict["position"], byline.field_dict["editor_id"])
            for byline in version.revision.version_set.filter(
                content_type__app_label="articles", content_type__model="articleauthor"
            )
            if byline.field_dict["article_id"] == stored.pk
        ),
    )
    existing = set(
        Editor.objects.filter(pk__in=[e for _, e in bylines]).values_list("pk", flat=True)
    )
    bylines = [(position, editor) for position, editor in bylines if editor in existing]

    when = timezone.localtime(version.revision.date_created).strftime("%Y-%m-%d %H:%M")
    with reversion.create_revision():
        if bylines:
            stored.bylines.all().delete()
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=stored, editor_id=editor, position=position)
                for position, editor in bylines
            )
        _save(article=stored, by=by, comment=f"استُعيدت نسخة {when}")
    _announce(article=stored, by=by, action="restore_version", label=f"استُعيدت نسخة {when}")
    return _sync(article, stored)
