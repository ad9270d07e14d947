"""One command backs the paper up (database and media), one restores it, and nothing is lost.

The tests run on whichever database the suite runs on (DATABASE_URL): SQLite through its online
backup API, PostgreSQL through pg_dump and pg_restore.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from reversion.models import Version

from articles import backups, images, search, workflow
from articles.models import Article
from articles.tests.factories import ArticleFactory, jpeg_upload

PROJECT = Path(__file__).resolve().parents[2]
SEARCHED_WORD = "العتبة"

# Committed for real: pg_dump and other processes see only committed rows; the rows the
# migrations made (the role groups) come back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def database_tools():
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are needed on PostgreSQL (postgresql-client)")
        pytest.skip("no pg_dump here (postgresql-client)")


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.fixture
def paper(section, masthead, reporter, desk_editor):
    """A small paper as the desk leaves it: stories with their versions, a lead photo with its
    renditions, a picture uploaded in the body, a draft."""
    lead = ArticleFactory(
        section=section,
        draft=True,
        headline="مترو القاهرة يفتح محطة العتبة الجديدة",
        lead_image=jpeg_upload("metro.jpg", size=(1600, 900)),
        lead_image_alt="رصيف المحطة",
        authors=[reporter.editor_profile],
    )
    workflow.article_submit(article=lead, by=reporter, comment="جاهز")
    lead.dek = "المحطة تخدم مئة ألف راكب يوميًا"
    workflow.article_save(article=lead, by=desk_editor)
    workflow.article_publish(article=lead, by=desk_editor)

    body_photo = jpeg_upload("inline.jpg", size=(900, 600), color=(20, 90, 140))
    images.validate_image_upload(body_photo)
    name = images.body_image_store(upload=body_photo, storage=default_storage)
    second = ArticleFactory(
        section=section, draft=True, headline="موازنة العام الجديد أمام البرلمان"
    )
    second.body = f'<p>نص الخبر.</p><figure><img src="{default_storage.url(name)}" alt=""></figure>'
    workflow.article_save(article=second, by=desk_editor)
    workflow.article_publish(article=second, by=desk_editor)

    draft = ArticleFactory(section=section, draft=True, headline="مسودة لم تنشر بعد")
    workflow.article_save(article=draft, by=desk_editor)
    return lead


def paper_summary() -> dict:
    """What a reader and the desk would miss: every story, every version, what search finds.

    Also run by `manage.py shell` on a restored database, so it reads only from the database.
    """
    return {
        "stories": sorted(
            [article.pk, article.headline, article.dek, article.status, article.lead_image.name]
            for article in Article.objects.all()
        ),
        "versions": sorted(
            [
                version.object_id,
                version.serialized_data,
                version.revision.get_comment(),
                version.revision.user.username if version.revision.user else None,
            ]
            for version in Version.objects.select_related("revision__user")
        ),
        "found": search.search_article_ids(search.parse_query(SEARCHED_WORD)),
    }


def media_files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def the_only_set(folder: Path) -> backups.BackupSet:
    (backup_set,) = backups.list_sets(folder)
    return backup_set


def fresh_database_url(tmp_path: Path) -> str:
    """A new, empty database of the suite's kind."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def drop_fresh_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}_restored"')


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py` in another process, as the newsroom would run it."""
    inherited = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.multiprocess
def test_a_paper_restored_into_a_fresh_database_has_every_story_version_and_photo(
    paper, media_in_tmp, backup_dir, tmp_path
):
    before = paper_summary()
    photos = media_files(media_in_tmp)
    assert before["found"] == [paper.pk]
    assert Version.objects.get_for_model(Article).count() == 6
    assert any(name.startswith(f"renditions/{paper.lead_image.name}/") for name in photos)
    assert any(name.startswith("uploads/") for name in photos)

    call_command("backup_paper", verbosity=0)
    backup_set = the_only_set(backup_dir)

    restored_media = tmp_path / "restored-media"
    env = {
        "DATABASE_URL": fresh_database_url(tmp_path),
        "MEDIA_ROOT": str(restored_media),
        "BACKUP_DIR": str(backup_dir),
    }
    try:
        restore = manage("restore_paper", backup_set.name, "--noinput", **env)
        assert restore.returncode == 0, restore.stdout + restore.stderr
        read = manage(
            "shell",
            "--no-imports",
            "-c",
            "import json; from articles.tests.test_backups import paper_summary; "
            "print(json.dumps(paper_summary()))",
            **env,
        )
        assert read.returncode == 0, read.stdout + read.stderr
    finally:
        drop_fresh_database()

    assert json.loads(read.stdout) == json.loads(json.dumps(before))
    assert media_files(restored_media) == photos


def test_restoring_over_the_paper_brings_back_the_backup_and_no_page_cached_since(
    paper, client, desk_editor, backup_dir
):
    call_command("backup_paper", verbosity=0)
    paper.headline = "عنوان كتب بعد النسخة الاحتياطية"
    workflow.article_save(article=paper, by=desk_editor)
    for _ in range(2):
        assert "عنوان كتب بعد النسخة" in client.get(paper.get_absolute_url()).text

    call_command("restore_paper", the_only_set(backup_dir).name, "--noinput")

    page = client.get(paper.get_absolute_url()).text
    assert "مترو القاهرة يفتح محطة العتبة الجديدة" in page
    assert "عنوان كتب بعد النسخة" not in page
    assert Article.objects.get(pk=paper.pk).headline == "مترو القاهرة يفتح محطة العتبة الجديدة"


def test_restore_asks_first_and_changes_nothing_without_a_yes(
    paper, desk_editor, backup_dir, monkeypatch
):
    call_command("backup_paper", verbosity=0)
    paper.headline = "عنوان كتب بعد النسخة الاحتياطية"
    workflow.article_save(article=paper, by=desk_editor)
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "لا")
    out = io.StringIO()

    call_command("restore_paper", the_only_set(backup_dir).name, stdout=out)

    assert "اكتب «نعم» للمتابعة" in questions[0]
    assert "لم يتغيّر شيء" in out.getvalue()
    assert Article.objects.get(pk=paper.pk).headline == "عنوان كتب بعد النسخة الاحتياطية"


def test_restore_of_a_name_that_is_not_there_lists_the_backups_there_are(paper, backup_dir):
    call_command("backup_paper", verbosity=0)
    with pytest.raises(CommandError) as refused:
        call_command("restore_paper", "newsroom-1999-01-01-000000", "--noinput")
    assert "لا توجد نسخة احتياطية باسم «newsroom-1999-01-01-000000»" in str(refused.value)
    assert the_only_set(backup_dir).name in str(refused.value)


def test_restore_of_a_backup_from_another_kind_of_database_is_refused(paper, backup_dir):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    backup_dir.mkdir()
    name = "newsroom-2020-01-01-000000"
    (backup_dir / f"{name}{backups.DATABASE_SUFFIXES[other]}").write_bytes(b"a backup")

    with pytest.raises(CommandError) as refused:
        call_command("restore_paper", name, "--noinput")

    assert "لا تُستعاد نسخة في قاعدة من نوع آخر" in str(refused.value)
    assert Article.objects.count() == 3


def test_a_damaged_database_backup_is_refused_and_the_paper_stays_as_it_was(
    paper, backup_dir, client
):
    call_command("backup_paper", verbosity=0)
    damaged = the_only_set(backup_dir).database()
    garbage = b"not a database, cut short by a full disk " * 100
    damaged.write_bytes(gzip.compress(garbage) if damaged.name.endswith(".gz") else garbage)

    with pytest.raises(CommandError) as refused:
        call_command("restore_paper", damaged.name, "--noinput")

    assert "تعذّرت استعادة قاعدة البيانات" in str(refused.value)
    assert "بقيت كما كانت" in str(refused.value)
    assert Article.objects.count() == 3
    assert client.get(paper.get_absolute_url()).status_code == 200


def test_backup_with_uploads_in_object_storage_copies_the_database_and_says_why_not_the_files(
    paper, settings, backup_dir
):
    settings.AWS_STORAGE_BUCKET_NAME = "newsroom-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "newsroom-media"},
        },
    }
    out = io.StringIO()

    call_command("backup_paper", stdout=out)

    assert "الملفات في مخزن الكائنات (AWS_STORAGE_BUCKET_NAME=newsroom-media)" in out.getvalue()
    backup_set = the_only_set(backup_dir)
    assert backup_set.database() is not None
    assert not backup_set.media.exists()


def test_backup_keeps_the_newest_sets_and_deletes_older_ones_whole(paper, settings, backup_dir):
    settings.BACKUP_KEEP = 2
    days = [datetime(2030, 5, day, 1, 0, tzinfo=UTC) for day in (1, 2, 3)]
    for day in days:
        with time_machine.travel(day, tick=False):
            call_command("backup_paper", verbosity=0)

    names = [
        backups.PREFIX + timezone.localtime(day).strftime(backups.STAMP_FORMAT) for day in days
    ]
    assert [s.name for s in backups.list_sets(backup_dir)] == [names[2], names[1]]
    assert not [path for path in backup_dir.iterdir() if path.name.startswith(names[0])]


@pytest.mark.multiprocess
def test_a_backup_of_a_live_sqlite_file_holds_what_is_still_in_its_write_ahead_log(
    paper, tmp_path, backup_dir
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    live_file = tmp_path / "live.sqlite3"
    live = sqlite3.connect(live_file, isolation_level=None)
    connection.connection.backup(live)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("UPDATE articles_article SET headline = 'في السجل وحده' WHERE id = ?", [paper.pk])
    assert Path(f"{live_file}-wal").stat().st_size > 0

    made = manage(
        "backup_paper",
        "--no-media",
        DATABASE_URL=f"sqlite:///{live_file}",
        BACKUP_DIR=str(backup_dir),
    )
    assert made.returncode == 0, made.stdout + made.stderr
    live.close()

    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(gzip.decompress(the_only_set(backup_dir).database().read_bytes()))
    (headline,) = (
        sqlite3.connect(copy)
        .execute("SELECT headline FROM articles_article WHERE id = ?", [paper.pk])
        .fetchone()
    )
    assert headline == "في السجل وحده"
