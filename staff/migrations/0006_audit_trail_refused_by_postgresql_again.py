"""On PostgreSQL, the database itself refuses to change or delete an audit-trail entry, now that
the trail is django-auditlog's log entry model (0005).

A trigger refuses UPDATE and DELETE of `staff_auditentry` rows, with two exceptions: the
retention command's DELETE (it sets `newsroom.audit_prune` to on for its transaction,
`AuditEntryQuerySet.prune`) and the one update Django makes when an account is deleted (the
entry's `actor_id` becomes NULL, every other column unchanged; the entry keeps the name). The
comparison takes the whole row less `actor_id`, so a column django-auditlog adds later is
covered too. SQLite has no such trigger here: there the model and its queryset refuse
(staff/models.py), and staff's `auditlogflush` stands in for the library's.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION staff_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('newsroom.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit trail entries cannot be changed or deleted (staff_auditentry %)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry;
CREATE TRIGGER staff_auditentry_append_only
    BEFORE UPDATE OR DELETE ON staff_auditentry
    FOR EACH ROW EXECUTE FUNCTION staff_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry;
DROP FUNCTION IF EXISTS staff_auditentry_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # the SQL holds a literal %

    return run


class Migration(migrations.Migration):
    dependencies = [("staff", "0005_audit_trail_on_django_auditlog")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
