"""The trail written before django-auditlog stays, carried over in place (staff 0005)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from staff.models import AuditEntry

BEFORE = [("staff", "0004_audit_trail_refused_by_postgresql")]
AFTER = [("staff", "0006_audit_trail_refused_by_postgresql_again")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_django_auditlog_are_kept_and_read_as_before():
    old_apps = migrate(BEFORE)
    try:
        OldEntry = old_apps.get_model("staff", "AuditEntry")
        sign_in = OldEntry.objects.create(
            action="sign_in", username="desk", address="192.0.2.9", detail={}
        )
        OldEntry.objects.create(
            action="changed",
            username="chief",
            subject="قسم: اقتصاد",
            detail={"model": "articles.section", "id": 3, "changes": {"name": ["اقتصاد", "مال"]}},
        )
        OldEntry.objects.create(
            action="role_changed",
            subject="حساب: reporter",
            detail={"model": "auth.user", "id": 7, "field": "groups", "added": ["محرر ديسك"]},
        )
    finally:
        migrate(AFTER)

    kept = AuditEntry.objects.get(kind=AuditEntry.SIGN_IN)
    assert (kept.username, kept.remote_addr, kept.timestamp) == ("desk", "192.0.2.9", sign_in.at)
    changed = AuditEntry.objects.get(kind=AuditEntry.CHANGED)
    # By name: another transactional test may have made the content types again.
    assert (changed.content_type.natural_key(), changed.object_pk, changed.action) == (
        ("articles", "section"),
        "3",
        AuditEntry.Action.UPDATE,
    )
    assert changed.changes == {"name": ["اقتصاد", "مال"]}
    assert changed.what_changed() == "الاسم: اقتصاد → مال"
    role = AuditEntry.objects.get(kind=AuditEntry.ROLE_CHANGED)
    assert role.changes == {"groups": {"type": "m2m", "operation": "add", "objects": ["محرر ديسك"]}}
    assert (role.object_repr, role.detail) == ("حساب: reporter", {})
