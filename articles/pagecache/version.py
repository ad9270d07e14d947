"""The version of the code that renders pages, part of every cache key of markup.

A deploy changes templates, code or static files; pages, the frame's pieces and cards kept by the
code before would show the old markup (or point at static files that are gone) until they
expire. With the version in their keys, a process started on new code finds none of them and
builds its own. The version is the release id when the deploy names one (NEWSROOM_RELEASE), else
a hash of the project's code, templates and static files, taken once when the process starts.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings

_HASHED_SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg", ".json"}


@functools.cache
def code_version() -> str:
    if settings.NEWSROOM_RELEASE:
        return settings.NEWSROOM_RELEASE
    digest = hashlib.sha256()
    for path in _rendering_files():
        digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _rendering_files() -> list[Path]:
    roots = [settings.BASE_DIR / "articles", settings.BASE_DIR / "newsroom"]
    roots += [Path(directory) for engine in settings.TEMPLATES for directory in engine["DIRS"]]
    found = set()
    for root in roots:
        for path in root.rglob("*"):
            parts = set(path.relative_to(root).parts)
            if path.suffix in _HASHED_SUFFIXES and not parts & {"tests", "migrations"}:
                found.add(path)
    return sorted(found)


def versioned(key: str) -> str:
    return f"{key}:{code_version()}"
