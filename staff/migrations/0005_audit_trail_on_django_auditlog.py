"""The audit trail becomes django-auditlog's log entry model (AUDITLOG_LOGENTRY_MODEL), in place.

The table and its rows stay: columns are renamed to django-auditlog's (`at` → `timestamp`,
`address` → `remote_addr`, `subject` → `object_repr`, `detail` → `additional_data`; the
trail's `action` becomes `kind`, since auditlog's `action` is its create/update/delete), its
other columns are added, and the entries written by the hand-made recorder this replaces
(created, changed, deleted, role changed) are carried over: the row they are about becomes the
entry's content type and key, and what changed moves from the detail to `changes`, in
django-auditlog's form.

PostgreSQL's trigger that refuses UPDATE and DELETE is dropped first (the carrying over
updates rows) and made again for the new columns in 0006.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import staff.models

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry;
DROP FUNCTION IF EXISTS staff_auditentry_append_only();
"""

# The trail's kinds of entry, as 0003 left them.
KINDS = [
    ("sign_in", "تسجيل دخول"),
    ("sign_in_failed", "محاولة دخول فاشلة"),
    ("locked_out", "إيقاف بعد محاولات فاشلة"),
    ("two_factor_enrolled", "تفعيل التحقق بخطوتين"),
    ("two_factor_failed", "رمز تحقق خاطئ"),
    ("recovery_code_used", "دخول برمز استرداد"),
    ("two_factor_reset", "إعادة ضبط التحقق بخطوتين"),
    ("session_expired", "انتهاء جلسة"),
    ("sessions_ended", "إنهاء جلسات"),
    ("workflow_move", "حركة خبر في مراحل التحرير"),
    ("created", "إنشاء"),
    ("changed", "تعديل"),
    ("deleted", "حذف"),
    ("role_changed", "تغيير دور أو صلاحية"),
    ("share_link_made", "إنشاء رابط معاينة"),
    ("share_link_ended", "إنهاء رابط معاينة"),
    ("autosave_restored", "استعادة نسخة محفوظة تلقائيًا"),
    ("permission_refused", "محاولة مرفوضة لنقص الصلاحية"),
    ("trail_exported", "تصدير سجل التدقيق"),
    ("trail_pruned", "حذف القيود الأقدم من مدة الحفظ"),
]

# django-auditlog's actions.
CREATE, UPDATE, DELETE = 0, 1, 2
ACTIONS = {"created": CREATE, "changed": UPDATE, "role_changed": UPDATE, "deleted": DELETE}


def _drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


def _old_trigger(apps, schema_editor):
    old = importlib.import_module("staff.migrations.0004_audit_trail_refused_by_postgresql")
    old._on_postgresql(old.CREATE)(apps, schema_editor)


def carry_over(apps, schema_editor):
    """The hand-made recorder's entries, as django-auditlog writes them."""
    AuditEntry = apps.get_model("staff", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = {}
    rows = AuditEntry.objects.using(db).filter(kind__in=ACTIONS, content_type__isnull=True)
    for entry in rows.iterator(chunk_size=500):
        detail = dict(entry.additional_data or {})
        label = detail.pop("model", "")
        if "." not in label:
            continue
        if label not in types:
            app_label, model = label.split(".", 1)
            types[label] = ContentType.objects.using(db).get_or_create(
                app_label=app_label, model=model
            )[0]
        pk = detail.pop("id", None)
        changes = detail.pop("changes", None) or {}
        field = detail.pop("field", None)
        for key, operation in (("added", "add"), ("removed", "delete")):
            if field and key in detail:
                changes[field] = {"type": "m2m", "operation": operation, "objects": detail.pop(key)}
        AuditEntry.objects.using(db).filter(pk=entry.pk).update(
            content_type=types[label],
            object_pk="" if pk is None else str(pk),
            object_id=pk if isinstance(pk, int) else None,
            action=ACTIONS[entry.kind],
            changes=changes or None,
            additional_data=detail,
        )


def carry_back(apps, schema_editor):
    AuditEntry = apps.get_model("staff", "AuditEntry")
    db = schema_editor.connection.alias
    rows = AuditEntry.objects.using(db).filter(content_type__isnull=False)
    for entry in rows.select_related("content_type").iterator(chunk_size=500):
        detail = dict(entry.additional_data or {})
        detail["model"] = f"{entry.content_type.app_label}.{entry.content_type.model}"
        detail["id"] = entry.object_id if entry.object_id is not None else entry.object_pk
        for name, change in (entry.changes or {}).items():
            if isinstance(change, dict):
                key = "added" if change.get("operation") == "add" else "removed"
                detail.update(field=name, **{key: change.get("objects", [])})
            else:
                detail.setdefault("changes", {})[name] = change
        AuditEntry.objects.using(db).filter(pk=entry.pk).update(additional_data=detail)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("staff", "0004_audit_trail_refused_by_postgresql"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_drop_trigger, _old_trigger),
        migrations.RemoveIndex(model_name="auditentry", name="audit_person_idx"),
        migrations.RenameField(model_name="auditentry", old_name="at", new_name="timestamp"),
        # Its index goes and comes back under the new name: django-auditlog's `action`, added
        # below, would otherwise be given the old one's name on PostgreSQL.
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="الحدث"),
        ),
        migrations.RenameField(model_name="auditentry", old_name="action", new_name="kind"),
        migrations.AlterField(
            model_name="auditentry",
            name="kind",
            field=models.CharField(
                choices=KINDS, db_index=True, max_length=32, verbose_name="الحدث"
            ),
        ),
        migrations.RenameField(model_name="auditentry", old_name="address", new_name="remote_addr"),
        migrations.RenameField(model_name="auditentry", old_name="subject", new_name="object_repr"),
        migrations.RenameField(
            model_name="auditentry", old_name="detail", new_name="additional_data"
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "get_latest_by": "timestamp",
                "ordering": ["-timestamp", "-pk"],
                "verbose_name": "قيد في سجل التدقيق",
                "verbose_name_plural": "سجل التدقيق",
            },
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="timestamp",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="الوقت"
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="object_repr",
            field=models.TextField(blank=True, verbose_name="الموضوع"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="additional_data",
            field=models.JSONField(blank=True, default=dict, null=True, verbose_name="التفاصيل"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="username",
            field=staff.models.ActorUsernameField(
                blank=True, max_length=150, verbose_name="اسم المستخدم"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="action",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[(0, "create"), (1, "update"), (2, "delete"), (3, "access")],
                db_index=True,
                null=True,
                verbose_name="العملية",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="content_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="نوع السجل",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="object_pk",
            field=models.CharField(
                blank=True, db_index=True, default="", max_length=255, verbose_name="معرّف السجل"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="object_id",
            field=models.BigIntegerField(
                blank=True, db_index=True, null=True, verbose_name="object id"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="changes",
            field=models.JSONField(blank=True, null=True, verbose_name="ما تغيّر"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="changes_text",
            field=models.TextField(blank=True, default="", verbose_name="change message"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="serialized_data",
            field=models.JSONField(null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="cid",
            field=models.CharField(
                blank=True,
                db_index=True,
                max_length=255,
                null=True,
                verbose_name="Correlation ID",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="remote_port",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="remote port"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor_email",
            field=models.CharField(
                blank=True, max_length=254, null=True, verbose_name="actor email"
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["username", "-timestamp"], name="audit_person_idx"),
        ),
        # Last: on PostgreSQL no table is altered after rows are (pending trigger events).
        migrations.RunPython(carry_over, carry_back),
    ]
