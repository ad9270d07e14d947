"""Search ranks by where a story matches (headline, then kicker or dek, then body), newest first
within each: the headline and the kicker with the dek get their own vectors and GIN indexes on
PostgreSQL. SQLite's FTS5 table already has those columns.

After migrating a database that already has articles, run `manage.py rebuild_search_index`.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

GIN_INDEXES = {
    "search_document_headline_gin": "headline_vector",
    "search_document_dek_gin": "dek_vector",
}


def create_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in GIN_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX {name} ON articles_searchdocument USING gin ({column})"
            )


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in GIN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_home_page_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="headline_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="dek_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        # As in 0003: the GIN indexes exist in the model state everywhere, in the database on
        # PostgreSQL only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=[column], name=name
                    ),
                )
                for name, column in GIN_INDEXES.items()
            ],
            database_operations=[
                migrations.RunPython(create_gin_indexes, drop_gin_indexes),
            ],
        ),
    ]
