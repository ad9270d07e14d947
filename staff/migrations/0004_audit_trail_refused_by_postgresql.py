"""On PostgreSQL, the database itself refuses to change or delete an audit-trail entry.

A trigger refuses UPDATE and DELETE of `staff_auditentry` rows, with two exceptions: the
retention command's DELETE (it sets `newsroom.audit_prune` to on for its transaction,
`AuditEntryQuerySet.prune`) and the one update Django makes when an account is deleted (the
entry's `actor_id` becomes NULL, every other column unchanged; the entry keeps the name).
SQLite has no such trigger here: there the model and its queryset refuse (staff/models.py).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION staff_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('newsroom.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF NEW.actor_id IS NULL
        AND (NEW.id, NEW.at, NEW.action, NEW.username, NEW.address, NEW.subject, NEW.detail)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.at, OLD.action, OLD.username, OLD.address, OLD.subject, OLD.detail)
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
    dependencies = [("staff", "0003_audit_trail_every_write")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
