"""The search index: a weighted tsvector table with a GIN index on PostgreSQL, an FTS5 table on
SQLite. Each database gets only the structure its backend in `articles/search.py` uses.

After migrating a database that already has articles, run `manage.py rebuild_search_index`.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

FTS_TABLE = "articles_search_fts"
GIN_INDEX = "search_document_vector_gin"


def create_vendor_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(headline, dek, body, tokenize='unicode61')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON articles_searchdocument USING gin (vector)"
        )


def drop_vendor_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0002_validated_images_and_dimensions"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.article",
                        verbose_name="الخبر",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "verbose_name": "فهرس البحث",
                "verbose_name_plural": "فهرس البحث",
            },
        ),
        # The GIN index exists in the model state everywhere, in the database on PostgreSQL only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["vector"], name=GIN_INDEX
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(create_vendor_index, drop_vendor_index),
            ],
        ),
    ]
