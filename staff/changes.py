"""Changes to the rows the desk's security rests on, recorded whoever makes them.

Model signals, so every write path is covered: the admin, list actions, services, the importer,
commands and the shell. For each tracked model, `TRACKED` says which fields an entry compares;
an entry names each changed field with its value before and after, cut short (never a body of
HTML; a password only as «تغيّرت»). Stories are tracked for creation and deletion only: their
copy's edits are in their versions (django-reversion) and their moves come from the workflow
(`articles.events.workflow_moved`, staff/signals.py).

Readers' requests write none of these rows; one that would (the masthead's first row, made on
the first page ever served) is not an edit by anyone and is not recorded, so a public page
never pays for the trail.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User

from articles.models import Article, Editor, Masthead, Section

from . import audit
from .models import AuditEntry, RolePolicy

SHORT = 80
VALUE_WITHHELD = "تغيّرت"


@dataclass(frozen=True)
class Tracked:
    kind: str  # what the subject is called: «قسم»
    fields: tuple[str, ...] = ()  # compared on every save; empty: creation and deletion only
    secret: tuple[str, ...] = ()  # named as changed, values never written
    role_fields: tuple[str, ...] = ()  # a change of one of these is a change of role


def _editable(model, *, leave_out=()) -> tuple[str, ...]:
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in leave_out
    )


TRACKED = {
    User: Tracked(
        "حساب",
        fields=(
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ),
        secret=("password",),
        role_fields=("is_active", "is_staff", "is_superuser"),
    ),
    Group: Tracked("دور", fields=("name",)),
    RolePolicy: Tracked("سياسة دور", fields=("group", "requires_two_factor")),
    Masthead: Tracked("الترويسة", fields=_editable(Masthead)),
    Section: Tracked("قسم", fields=_editable(Section)),
    Editor: Tracked("محرر", fields=_editable(Editor)),
    Article: Tracked("خبر"),
}


def tracked(instance) -> Tracked | None:
    return TRACKED.get(instance._meta.concrete_model)


def subject(instance) -> str:
    spec = tracked(instance)
    kind = spec.kind if spec else instance._meta.verbose_name
    if isinstance(instance, Article):
        return f"{kind} {instance.pk}: {instance.headline}"[:200]
    return f"{kind}: {instance}"[:200]


def _is_reader_request() -> bool:
    request = audit.current_request()
    return request is not None and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "نعم"
    if value is False:
        return "لا"
    value = getattr(value, "name", value)  # a file: its name
    text = str(value)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _values(instance, fields) -> dict:
    model = instance._meta.concrete_model
    return {name: getattr(instance, model._meta.get_field(name).attname) for name in fields}


def remember_before(instance, *, raw=False, update_fields=None) -> None:
    """pre_save: keep the stored values of the compared fields (one query, on writes only)."""
    instance._audit_before = None
    spec = tracked(instance)
    if spec is None or raw or instance.pk is None or not spec.fields:
        return
    fields = spec.fields
    if update_fields is not None:
        fields = tuple(name for name in fields if name in set(update_fields))
        if not fields:
            return  # e.g. last_login at each sign-in: nothing compared, no query
    if _is_reader_request():
        return
    model = instance._meta.concrete_model
    attnames = [model._meta.get_field(name).attname for name in fields]
    stored = model._base_manager.filter(pk=instance.pk).values(*attnames).first()
    if stored is not None:
        instance._audit_before = {
            name: stored[attname] for name, attname in zip(fields, attnames, strict=True)
        }


def record_saved(instance, *, created: bool, raw=False) -> None:
    """post_save: an entry for a new row, or for a row whose compared fields changed."""
    spec = tracked(instance)
    if spec is None or raw or _is_reader_request():
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created:
        record_model_write(AuditEntry.CREATED, instance)
        return
    if before is None:
        return  # saved with update_fields that compare nothing, or a row not tracked for edits
    after = _values(instance, before)
    changes = {}
    for name, old in before.items():
        new = after[name]
        if old == new:
            continue
        if name in spec.secret:
            changes[name] = ["", VALUE_WITHHELD]
        else:
            changes[name] = [_shown(old), _shown(new)]
    if not changes:
        return
    action = AuditEntry.ROLE_CHANGED if set(changes) & set(spec.role_fields) else AuditEntry.CHANGED
    record_model_write(action, instance, changes=changes)


def record_deleted(instance) -> None:
    if tracked(instance) is None or _is_reader_request():
        return
    record_model_write(AuditEntry.DELETED, instance)


def record_model_write(action: str, instance, **detail) -> AuditEntry:
    return audit.record(
        action=action,
        subject=subject(instance),
        detail={"model": instance._meta.label_lower, "id": instance.pk, **detail},
    )


# Roles and permissions: the many-to-many rows of accounts, groups and permissions.

MEMBERSHIPS = {
    User.groups.through: "groups",
    User.user_permissions.through: "user_permissions",
    Group.permissions.through: "permissions",
}


def _names(model, pks) -> list[str]:
    return sorted(str(row) for row in model._base_manager.filter(pk__in=pks))[:50]


def record_membership(*, sender, instance, action, reverse, model, pk_set) -> None:
    """m2m_changed: who gained or lost which role or permission."""
    field = MEMBERSHIPS.get(sender)
    if field is None or _is_reader_request():
        return
    if action == "pre_clear":
        # Who or what goes is known only before the rows do.
        if not reverse:
            related = getattr(instance, field)
        else:
            related = instance.group_set if field == "permissions" else instance.user_set
        instance._audit_cleared = list(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    pks = pk_set if action != "post_clear" else getattr(instance, "_audit_cleared", [])
    if not pks:
        return
    change = "added" if action == "post_add" else "removed"
    if not reverse:
        # An account (or a group) gained or lost the rows named by pks.
        record_model_write(
            AuditEntry.ROLE_CHANGED, instance, field=field, **{change: _names(model, pks)}
        )
        return
    # From the other side: a group's members, or a permission's holders, changed.
    for other in model._base_manager.filter(pk__in=pks):
        record_model_write(AuditEntry.ROLE_CHANGED, other, field=field, **{change: [str(instance)]})
