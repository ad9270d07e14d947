"""A process killed between a save's commit and its renditions leaves no broken picture.

Real processes (`manage.py shell -c`) on a temporary SQLite file and a temporary MEDIA_ROOT:
the writer registers its own death (SIGKILL) as the first thing to run after the commit, so
the story and its photo are committed and the renditions never made; then another process
reads the story's page and fetches every picture on it.
"""

import base64
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from articles import images
from articles.tests.test_clean_images import assert_clean, image_urls

pytestmark = pytest.mark.multiprocess

WRITER = """
import os, signal
from django.db import transaction
from articles.tests import crafted_images as crafted
from articles.tests.factories import ArticleFactory, MastheadFactory

MastheadFactory()
with transaction.atomic():
    # Registered first, so it runs first: right after the commit, before the renditions.
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    article = ArticleFactory(
        lead_image=crafted.leaky_jpeg(size=(1800, 1200)), lead_image_alt="صورة من الميدان"
    )
    print("saved", article.get_absolute_url(), article.lead_image.name, flush=True)
print("the process survived its commit", flush=True)
"""

READER = """
import base64, json, re
from django.test import Client

reader = Client(HTTP_HOST="localhost")
page = reader.get(URL)
html = page.content.decode()
files = {}
for url in sorted(set(re.findall(r"/media/[^\\"'\\s<>,]+", html))):
    response = reader.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    files[url] = [response.status_code, base64.b64encode(body).decode()]
print(json.dumps({"status": page.status_code, "html": html, "files": files}))
"""


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """One migrated SQLite file, copied for each test (migrating is the slow part)."""
    folder = tmp_path_factory.mktemp("crash-template")
    database = folder / "db.sqlite3"
    manage("migrate", "--noinput", env=environment(database, folder / "media"))
    return database


@pytest.fixture
def site(tmp_path, migrated_database):
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_database, database)
    media = tmp_path / "media"
    return {"env": environment(database, media), "media": media}


def environment(database, media) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(media),
        SECRET_KEY="crash-recovery-test-key-" + "x" * 40,
        SERVE_MEDIA="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(*args, env, check=True) -> subprocess.CompletedProcess:
    # A bound on a stuck child, not a measurement: nothing here is timed.
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def save_and_die(site) -> tuple[str, str]:
    """Save a story with a lead photo in a process killed right after the commit."""
    writer = manage("shell", "-c", WRITER, env=site["env"], check=False)
    assert writer.returncode == -signal.SIGKILL, writer.stderr[-3000:]
    assert "survived" not in writer.stdout
    (saved,) = [line for line in writer.stdout.splitlines() if line.startswith("saved ")]
    _, address, original = saved.split()
    assert (site["media"] / original).is_file()  # committed, photo stored...
    assert not (site["media"] / "renditions").exists()  # ...and not one rendition made
    return address, original


def read_page(site, address) -> dict:
    reader = manage("shell", "-c", f"URL = {address!r}\n{READER}", env=site["env"])
    return json.loads(reader.stdout.strip().splitlines()[-1])


def test_pictures_of_a_story_saved_by_a_killed_process_are_made_when_the_page_is_read(site):
    address, _original = save_and_die(site)
    page = read_page(site, address)
    assert page["status"] == 200
    urls = {url for url in image_urls(page["html"]) if url.startswith("/media/")}
    assert len(urls) == 5  # three WebP sizes, the JPEG fallback, the one for link previews
    assert set(page["files"]) == urls
    for url, (status, body) in page["files"].items():
        assert status == 200, url
        assert_clean(url, base64.b64decode(body))


def test_the_check_run_after_start_up_makes_what_a_killed_process_left_unmade(site):
    _address, original = save_and_die(site)
    check = manage("rebuild_renditions", env=site["env"])
    # The whole photo at each width, and the cards' and shared links' crops around its
    # focal point (the centre: the story set none).
    expected = sorted(
        [f"{width}w.{ext}" for width in (480, 800, 1200) for ext in ("jpg", "webp")]
        + [
            images.crop_file_name(crop, images.CENTRE, width, ext)
            for crop in images.CROPS
            for width in crop.widths
            for ext in crop.extensions
        ]
    )
    assert f"1 images checked, {len(expected)} rendition files written." in check.stdout
    made = sorted(path.name for path in (site["media"] / "renditions" / original).iterdir())
    assert made == expected
    again = manage("rebuild_renditions", env=site["env"])
    assert "1 images checked, 0 rendition files written." in again.stdout
