"""Backups of the whole paper: the database and every uploaded file, as one set.

`manage.py backup_paper` writes a set into `settings.BACKUP_DIR`, two files named after the same
moment, and `manage.py restore_paper <name>` puts one back:

    newsroom-2025-06-01-030000.sqlite3.gz   the database (on PostgreSQL: .psql.bin), with its
                                            .metadata (the engine it came from)
    newsroom-2025-06-01-030000.media.tar    every file under MEDIA_ROOT: originals, renditions,
                                            images uploaded in the editor

django-dbbackup does the copying. On SQLite it uses SQLite's online backup API, which copies
pages through SQLite's own locks, so what still sits in db.sqlite3-wal is included and the FTS5
search table comes back as it was (a file copy can miss the first, an SQL dump can break the
second); on PostgreSQL it runs `pg_dump --format=custom` and `pg_restore`. Media stored in
object storage (S3) is not copied: the bucket's versioning or replication is its backup.
"""

import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from shutil import copyfileobj

from dbbackup import settings as dbbackup_settings
from dbbackup.db.sqlite import SqliteBackupConnector
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone

from articles.pagecache import pages as caching

PREFIX = "newsroom-"
STAMP_FORMAT = "%Y-%m-%d-%H%M%S"
STAMP = re.compile(r"\d{4}-\d\d-\d\d-\d{6}")
MEDIA_SUFFIX = ".media.tar"
METADATA_SUFFIX = ".metadata"
# The database file's suffix for each vendor (django-dbbackup's extensions; SQLite's gzipped,
# PostgreSQL's custom format is compressed by pg_dump itself).
DATABASE_SUFFIXES = {"sqlite": ".sqlite3.gz", "postgresql": ".psql.bin"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
INCOMPLETE_PREFIX = ".incomplete-"


class DamagedBackup(Exception):
    """The file is not a database SQLite can read whole."""


@dataclass(frozen=True)
class BackupSet:
    name: str
    folder: Path

    @property
    def media(self) -> Path:
        return self.folder / f"{self.name}{MEDIA_SUFFIX}"

    def database(self) -> Path | None:
        for suffix in DATABASE_SUFFIXES.values():
            path = self.folder / f"{self.name}{suffix}"
            if path.exists():
                return path
        return None

    def vendor(self) -> str | None:
        """The database the set was made from: "sqlite" or "postgresql" (None: no database)."""
        database = self.database()
        if database is None:
            return None
        return next(v for v, suffix in DATABASE_SUFFIXES.items() if database.name.endswith(suffix))

    def files(self) -> list[Path]:
        database = self.database()
        candidates = [self.media]
        if database is not None:
            candidates += [database, database.with_name(database.name + METADATA_SUFFIX)]
        return [path for path in candidates if path.exists()]


def new_set_name() -> str:
    return PREFIX + timezone.localtime().strftime(STAMP_FORMAT)


def database_path(folder: Path, name: str) -> Path:
    return folder / f"{name}{DATABASE_SUFFIXES[connection.vendor]}"


def list_sets(folder: Path) -> list[BackupSet]:
    """The complete sets in `folder`, newest first."""
    if not folder.is_dir():
        return []
    names = {
        match.group(0)
        for path in folder.iterdir()
        if (match := re.match(rf"{PREFIX}{STAMP.pattern}", path.name))
    }
    sets = [BackupSet(name, folder) for name in names]
    return sorted((s for s in sets if s.database() is not None), key=lambda s: s.name, reverse=True)


def find_set(folder: Path, wanted: str) -> BackupSet | None:
    """The set named by `wanted`: its name, its date stamp or one of its files' names, in
    `folder`; or the path of one of its files, wherever it is (a set fetched from elsewhere)."""
    path = Path(wanted)
    match = STAMP.search(path.name)
    if match is None:
        return None
    found = BackupSet(PREFIX + match.group(0), folder if path.parent == Path() else path.parent)
    return found if found.database() is not None else None


def prune(folder: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` sets (0 keeps them all); the names deleted."""
    if keep <= 0:
        return []
    old = list_sets(folder)[keep:]
    for backup_set in old:
        for path in backup_set.files():
            path.unlink()
    return [backup_set.name for backup_set in old]


def media_is_local() -> bool:
    """Uploads live in files under MEDIA_ROOT (not in object storage such as S3)."""
    return isinstance(storages["default"], FileSystemStorage)


def media_file_count() -> int:
    root = Path(settings.MEDIA_ROOT)
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.is_dir() else 0


def forget_cached_pages() -> None:
    """After a restore nothing cached before it may be served."""
    caching.forget_everything()


class SqliteOnlineBackupConnector(SqliteBackupConnector):
    """django-dbbackup's SQLite connector, restoring the way it backs up: through SQLite's online
    backup API into the open database.

    The library's own restore writes the backup over the database file, which leaves a stale
    db.sqlite3-wal and -shm beside it for SQLite to apply on top, and changes the file under
    any process that has it open. Here the backup is checked whole first (a damaged file never
    touches the paper), then copied into the live database in one step, with SQLite's locks:
    other processes see the old paper or the restored one, never a mix.

    Its backup keeps the copy on disk: the library's holds the whole database in memory.
    """

    def create_dump(self):
        self.connection.ensure_connection()
        with tempfile.TemporaryDirectory(dir=dbbackup_settings.TMP_DIR) as folder:
            path = Path(folder) / "backup.sqlite3"
            target = sqlite3.connect(path)
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()
            # Handed to the library open; it reads and closes it.
            dump = tempfile.TemporaryFile(dir=dbbackup_settings.TMP_DIR)  # noqa: SIM115
            with path.open("rb") as copy:
                copyfileobj(copy, dump)
        dump.seek(0)
        return dump

    def restore_dump(self, dump):
        with tempfile.TemporaryDirectory(dir=dbbackup_settings.TMP_DIR) as folder:
            path = Path(folder) / "restore.sqlite3"
            with path.open("wb") as copy:
                copyfileobj(dump, copy)
            source = sqlite3.connect(path)
            try:
                try:
                    (verdict,) = source.execute("PRAGMA quick_check").fetchone()
                except sqlite3.DatabaseError as error:
                    raise DamagedBackup(str(error)) from error
                if verdict != "ok":
                    raise DamagedBackup(verdict)
                self.connection.ensure_connection()
                source.backup(self.connection.connection)
            finally:
                source.close()
