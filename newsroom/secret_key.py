"""This install's own secret key, for a run that is given none.

Django signs sessions, password-reset and CSRF tokens with SECRET_KEY, and preview links are
made from it too: a key written in the public source would let anyone forge them. So a run
without SECRET_KEY in its environment uses a key made for this install on its first start,
kept outside git in a file only its owner can read, and read again on every later start, by
every worker.
"""

import contextlib
import os
import secrets
from pathlib import Path

KEY_BYTES = 50


def install_secret_key(path: Path) -> str:
    """The key stored at `path`, made there first if there is none.

    Several workers may start at once: the key is written whole to a file of its own, then
    linked into place, which fails if another process got there first; everyone then reads the
    one that won.
    """
    with contextlib.suppress(FileNotFoundError):
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(KEY_BYTES))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise FileNotFoundError(path)
    return key
