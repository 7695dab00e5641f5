from django.db import migrations, models

# PostgreSQL trigger: the audit table accepts INSERT only (UPDATE, DELETE and TRUNCATE raise), whatever
# the database role. Created in every clinic schema by migrate_schemas (the table name is unqualified
# and resolved through the schema's search_path).
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_auditevent_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_update_delete ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_append_only();
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("actor_kind", models.CharField(choices=[("user", "Clinic user (login)"), ("api_key", "API key"), ("staff", "Staff (admin / dashboard session)"), ("system", "System")], max_length=16)),
                ("actor", models.CharField(max_length=200)),
                ("doctor_ref", models.CharField(blank=True, help_text="x-doctor header, as sent.", max_length=200)),
                ("action", models.CharField(choices=[("read", "Read"), ("create", "Created"), ("change", "Changed"), ("sign", "Signed off"), ("export", "Exported")], max_length=16)),
                ("object_type", models.CharField(choices=[("note", "Clinical note"), ("transcript", "Transcript"), ("recording", "Recording")], max_length=16)),
                ("object_id", models.CharField(db_index=True, max_length=64)),
                ("method", models.CharField(blank=True, max_length=8)),
                ("path", models.CharField(blank=True, max_length=300)),
                ("request_id", models.CharField(blank=True, max_length=64)),
            ],
            options={"ordering": ["-at", "-id"], "indexes": [models.Index(fields=["object_type", "object_id"], name="audit_audit_object__0e78a5_idx")]},
        ),
        migrations.RunSQL(APPEND_ONLY, DROP),
    ]
