"""The rows the desk's security rests on, followed by django-auditlog whoever writes them.

django-auditlog's model signals cover every write path: the admin, list actions, services,
the importer, commands and the shell. `TRACKED` says, for each followed model, what its
entries call it and which fields they compare; django-auditlog writes each changed field with
its value before and after into the trail's own model (`AUDITLOG_LOGENTRY_MODEL`,
staff/models.py). A password is masked (written only as «تغيّرت», never its hash); a value is
cut short (never a body of HTML). Stories are followed for creation and deletion only: their
copy's edits are in their versions (django-reversion) and their moves come from the workflow
(`articles.events.workflow_moved`, staff/signals.py).

Readers' requests write none of these rows; one that would (the masthead's first row, made on
the first page ever served) is not an edit by anyone and is not recorded, so a public page
never pays for the trail.
"""

from dataclasses import dataclass, replace

from auditlog.models import AbstractLogEntry
from auditlog.receivers import check_disable, log_update
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db.models.signals import m2m_changed, pre_save

from articles.models import Article, Editor, Masthead, Section

from . import audit
from .models import AuditEntry, RolePolicy, StaffAccount

SHORT = 80
Action = AbstractLogEntry.Action


@dataclass(frozen=True)
class Tracked:
    noun: str  # what an entry calls the row: «قسم»
    include_fields: tuple[str, ...] = ()  # compared on every save; empty: every editable one
    mask_fields: tuple[str, ...] = ()  # named as changed, values never written
    m2m_fields: tuple[str, ...] = ()  # roles and permissions
    role_fields: tuple[str, ...] = ()  # a change of one of these is a change of role
    edits: bool = True  # False: creation and deletion only
    numbered: bool = False  # the subject carries the row's number: «خبر 12: العنوان»


_ACCOUNT = Tracked(
    "حساب",
    include_fields=(
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "password",
    ),
    mask_fields=("password",),
    m2m_fields=("groups", "user_permissions"),
    role_fields=("is_active", "is_staff", "is_superuser"),
)

TRACKED = {
    User: _ACCOUNT,
    # The chief's two-factor list saves accounts as this proxy: followed the same way.
    StaffAccount: replace(_ACCOUNT, m2m_fields=()),
    Group: Tracked("دور", include_fields=("name",), m2m_fields=("permissions",)),
    RolePolicy: Tracked("سياسة دور", include_fields=("group", "requires_two_factor")),
    Masthead: Tracked("الترويسة"),
    Section: Tracked("قسم"),
    Editor: Tracked("محرر"),
    # The entry names the story; its copy stays in its versions.
    Article: Tracked(
        "خبر", include_fields=("headline", "section", "status"), edits=False, numbered=True
    ),
}
_BY_LABEL = {model._meta.label_lower: spec for model, spec in TRACKED.items()}


def withheld(value: str) -> str:
    """django-auditlog's mask (`mask_callable`): a password's hash is never written."""
    return AuditEntry.WITHHELD


def _editable(model) -> list[str]:
    # Named, since django-auditlog's "every field" takes in reverse relations too.
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    ]


def register() -> None:
    """Follow the models of `TRACKED` (StaffConfig.ready)."""
    for model, spec in TRACKED.items():
        auditlog.register(
            model,
            include_fields=list(spec.include_fields) or _editable(model),
            mask_fields=list(spec.mask_fields),
            mask_callable=f"{__name__}.withheld",
        )
        if not spec.edits:
            # The registry connects its update receiver (one query per save) for every model.
            pre_save.disconnect(
                sender=model, dispatch_uid=auditlog._dispatch_uid(pre_save, log_update)
            )
        for name in spec.m2m_fields:
            m2m_changed.connect(
                _memberships(model, name),
                sender=model._meta.get_field(name).remote_field.through,
                dispatch_uid=f"staff_trail_{model._meta.label_lower}_{name}",
                weak=False,  # a closure, held by nothing else
            )
    pre_log.connect(_not_for_readers, dispatch_uid="staff_trail_not_for_readers")
    pre_save.connect(_describe, sender=AuditEntry, dispatch_uid="staff_trail_describe")


def _memberships(owner, name: str):
    """Roles and permissions gained or lost, written by django-auditlog's `log_m2m_changes`.

    Its own m2m receiver (`m2m_fields`) would, for a `clear()`, name every row of the other
    table as removed (jazzband/django-auditlog#539); this one names those that went."""
    field = owner._meta.get_field(name)
    through = field.remote_field.through

    @check_disable
    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if _is_reader_request():
            return
        if action == "pre_clear":
            # Who or what goes is known only before the rows do.
            mine, theirs = field.m2m_field_name(), field.m2m_reverse_field_name()
            if reverse:
                mine, theirs = theirs, mine
            rows = through._base_manager.filter(**{mine: instance.pk})
            instance._trail_cleared = list(rows.values_list(theirs, flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_trail_cleared", [])
        changed = model._base_manager.filter(pk__in=pk_set)
        operation = "add" if action == "post_add" else "delete"
        AuditEntry.objects.log_m2m_changes(changed, instance, operation, name)

    return receiver


def _is_reader_request() -> bool:
    request = audit.current_request()
    return request is not None and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _not_for_readers(sender, **kwargs):
    """django-auditlog's pre_log: False writes no entry."""
    return not _is_reader_request()


def subject(instance) -> str:
    """What an entry about `instance` calls it: «قسم: اقتصاد», «خبر 12: العنوان»."""
    return _subject(instance._meta.model, instance.pk, str(instance))


def _subject(model, pk, text: str) -> str:
    spec = _BY_LABEL.get(model._meta.label_lower) if model else None
    noun = spec.noun if spec else str(model._meta.verbose_name) if model else ""
    if spec and spec.numbered:
        return f"{noun} {pk}: {text}"[:200]
    return f"{noun}: {text}"[:200]


def _short(value):
    if isinstance(value, str) and len(value) > SHORT:
        return value[: SHORT - 1] + "…"
    return value


def _describe(sender, instance, raw=False, **kwargs):
    """pre_save of an entry django-auditlog writes: the trail's kind, its subject in words,
    values cut short, and «by the system» when no request made the change."""
    entry = instance
    if raw or entry.pk is not None or entry.kind or entry.content_type_id is None:
        return
    model = entry.content_type.model_class()
    label = model._meta.label_lower if model else ""
    spec = _BY_LABEL.get(label)
    changes = entry.changes or {}
    if entry.action == Action.CREATE:
        entry.kind = AuditEntry.CREATED
    elif entry.action == Action.DELETE:
        entry.kind = AuditEntry.DELETED
    elif any(isinstance(change, dict) for change in changes.values()) or (
        spec and set(changes) & set(spec.role_fields)
    ):
        entry.kind = AuditEntry.ROLE_CHANGED
    else:
        entry.kind = AuditEntry.CHANGED
    entry.changes = {
        name: change if isinstance(change, dict) else [_short(value) for value in change]
        for name, change in changes.items()
    } or None
    entry.object_repr = _subject(model, entry.object_pk, entry.object_repr)
    if audit.current_request() is None:
        entry.additional_data = {**(entry.additional_data or {}), "via": "system"}
