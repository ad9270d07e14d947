"""A deploy shows its new markup at once: every cached page and frame piece is keyed by the code.

Each test copies the project, starts it twice over one shared cache (the embedded default's
diskcache, or Redis) and one database, and changes a template between the two starts, as a
deploy does. The first start stores the home page; the second must show the new template, in
the page and in the header kept for every page. With the same release id given to both starts
(NEWSROOM_RELEASE), the second keeps the stored page: that is what the version in the key is for.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings

pytestmark = pytest.mark.multiprocess

REDIS_URL = os.environ.get("DEPLOYS_REDIS", "redis://127.0.0.1:6379/11")
# What a deploy does not carry: the checkout's own state (environments, databases, caches).
NOT_DEPLOYED = [".git", ".venv", "node_modules", "var", "media", "db.sqlite3*", "staticfiles"]
NOT_DEPLOYED += ["e2e-screenshots", ".data", "backups", "__pycache__", ".*_cache"]
MARK = "نسخة-جديدة-من-القالب"

START = f"""
from django.test import Client
from articles.models import Article
from articles.tests.factories import ArticleFactory
if not Article.objects.exists():
    ArticleFactory(headline="خبر على الصفحة الأولى")
client = Client(HTTP_HOST="127.0.0.1")
page = client.get("/").content.decode()
header = page.split("</header>")[0]
print("page:", "{MARK}" in page, "header:", "{MARK}" in header)
"""


def redis_reachable() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(params=["diskcache", "redis"])
def deployed_copy(request, tmp_path):
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip("no Redis on loopback")
        redis.Redis.from_url(REDIS_URL).flushdb()
        request.addfinalizer(lambda: redis.Redis.from_url(REDIS_URL).flushdb())
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "site"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns(*NOT_DEPLOYED))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "NEWSROOM_CACHE_DIR": str(tmp_path / "cache"),
        "NEWSROOM_SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "DEBUG": "0",
        "REDIS_URL": REDIS_URL if request.param == "redis" else "",
        "NEWSROOM_RELEASE": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=copy,
        env=env,
        check=True,
    )
    return copy, env


def start(copy: Path, env: dict) -> str:
    """One start of the app on this copy: the home page as a reader gets it."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", START],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def deploy_new_header(copy: Path) -> None:
    header = copy / "templates" / "includes" / "header.html"
    markup = header.read_text()
    assert "</header>" in markup
    header.write_text(markup.replace("</header>", f"<span hidden>{MARK}</span></header>"))


def test_a_template_changed_by_a_deploy_shows_at_once_in_pages_and_in_the_frame(deployed_copy):
    copy, env = deployed_copy
    assert start(copy, env) == "page: False header: False"
    assert start(copy, env) == "page: False header: False"  # stored, and served as stored
    deploy_new_header(copy)
    assert start(copy, env) == "page: True header: True"


def test_a_deploy_that_keeps_its_release_id_keeps_the_stored_pages(deployed_copy):
    copy, env = deployed_copy
    env = {**env, "NEWSROOM_RELEASE": "2026-12-02.1"}
    assert start(copy, env) == "page: False header: False"
    deploy_new_header(copy)
    assert start(copy, env) == "page: False header: False"
    assert start(copy, {**env, "NEWSROOM_RELEASE": "2026-12-02.2"}) == "page: True header: True"
