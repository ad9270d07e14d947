"""The embedded default as a small paper runs it in production (`make serve`): gunicorn with two
workers on one SQLite file and the diskcache files beside it, and other processes (the admin in
a worker, `manage.py shell`, the importer) changing stories. Every worker tells the same story:
a withdrawn story is never served after the withdrawal commits, an edit shows at once, and a
scheduled story appears on every worker at its minute.

Real gunicorn on a loopback port, started and stopped by the test. The access log names the
worker that answered each request, so the test knows both workers were asked.
"""

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core import signing

from articles.tests.test_two_app_servers import (
    DESK_OTP_KEY,
    PROJECT,
    Desk,
    first_time,
    free_port,
    get,
)

pytestmark = pytest.mark.multiprocess

HEADLINE = "خبر يرويه كل عامل كما هو"
SETUP_SCRIPT = f"""
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from articles.models import Article, ArticleAuthor, Editor, Masthead, Section
Masthead.load()
desk = User.objects.create_user("desk", password="desk-password-123", is_staff=True)
TOTPDevice.objects.create(user=desk, name="default", key="{DESK_OTP_KEY}", confirmed=True)
desk.groups.add(Group.objects.get(name="محرر ديسك"))
editor = Editor.objects.create(name="محمد الباز", job_title="رئيس التحرير", is_editor_in_chief=True)
section = Section.objects.create(name="أخبار")
article = Article.objects.create(
    headline="{HEADLINE}", body="<p>متن</p>", section=section, status=Article.Status.PUBLISHED
)
ArticleAuthor.objects.create(article=article, editor=editor)
draft = Article.objects.create(headline="مسودة سرية", body="<p>سر</p>", section=section)
print(article.pk, article.get_absolute_url(), draft.pk)
"""
# Enough requests that each of two workers answers several (the test checks it did).
ROUNDS = 24
IMPORTED_PAGE = """رئيس مجلسي الإدارة والتحرير
محمد الباز

خبر جاء من المستورد

صورة

سطر أول من خبر مستورد.
"""


def shell(env: dict, script: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-paper")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "NEWSROOM_CACHE_DIR": str(folder / "cache"),
        "NEWSROOM_SECRET_KEY_FILE": str(folder / "secret_key"),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    pk, url, draft_pk = shell(env, SETUP_SCRIPT).split()
    return env, int(pk), url, int(draft_pk), folder


@contextmanager
def two_workers(env: dict, folder: Path):
    port = free_port()
    log = folder / f"access-{port}.log"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--no-control-socket", "--log-level", "warning",
            "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(r)s",
        ],
        cwd=PROJECT,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(base + "/robots.txt")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def workers_seen(log: Path, path: str, since: int) -> set[str]:
    """The worker processes that answered `path` in the log's lines after line `since`."""
    lines = [line.split() for line in log.read_text().splitlines()[since:]]
    return {words[0] for words in lines if words[3] == path}


def log_length(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def ask_every_worker(base: str, log: Path, path: str) -> list[tuple[int, str]]:
    """Fresh requests for `path`, `ROUNDS` at a time and a few at once so that both workers are
    busy, until both have answered some (every answer is returned, for the caller to check)."""
    since = log_length(log)
    answers = []
    for _ in range(5):
        with ThreadPoolExecutor(max_workers=4) as readers:
            answers += readers.map(lambda _: get(base + path), range(ROUNDS))
        time.sleep(0.2)  # gunicorn writes the access line after the answer
        if len(workers_seen(log, path, since)) == 2:
            return answers
    raise AssertionError("the requests did not reach both workers")


def headline_on(page: str) -> str | None:
    found = re.search(r'<h1 class="article__headline">(.*?)</h1>', page)
    return found.group(1) if found else None


def test_every_worker_shows_an_edit_from_the_shell_and_never_a_withdrawn_story(paper):
    env, pk, url, _, folder = paper
    with two_workers(env, folder) as (base, log):
        # Both workers have the story's page and the home page cached.
        assert {status for status, _ in ask_every_worker(base, log, url)} == {200}
        assert all(HEADLINE in page for _, page in ask_every_worker(base, log, "/"))

        shell(
            env,
            "from articles.models import Article\n"
            f"story = Article.objects.get(pk={pk})\n"
            "story.headline = 'عنوان صحّحه الديسك'\n"
            "story.save()",
        )
        answers = ask_every_worker(base, log, url)
        assert {headline_on(page) for _, page in answers} == {"عنوان صحّحه الديسك"}
        assert all("عنوان صحّحه الديسك" in page for _, page in ask_every_worker(base, log, "/"))

        desk = Desk(base)
        desk.sign_in()
        desk.act("withdraw_selected", pk, apply="1", comment="خطأ في الخبر")
        # From the moment the withdrawal is answered, no worker serves the story.
        assert {status for status, _ in ask_every_worker(base, log, url)} == {410}
        assert not any("عنوان صحّحه الديسك" in page for _, page in ask_every_worker(base, log, "/"))
        feed = ask_every_worker(base, log, "/feed/rss/")
        assert not any("عنوان صحّحه الديسك" in page for _, page in feed)


def test_a_story_scheduled_from_the_shell_appears_on_every_worker_at_its_minute(paper):
    env, _, _, _, folder = paper
    with two_workers(env, folder) as (base, log):
        ask_every_worker(base, log, "/")
        ask_every_worker(base, log, "/feed/rss/")
        due = shell(
            env,
            "from datetime import timedelta\n"
            "from django.utils import timezone\n"
            "from articles.models import Article, Section\n"
            "at = timezone.now() + timedelta(seconds=3)\n"
            "Article.objects.create(headline='خبر في موعده', body='<p>متن</p>',\n"
            "    section=Section.objects.first(), status=Article.Status.SCHEDULED,\n"
            "    published_at=at)\n"
            "print(at.timestamp())",
        )
        # Until its minute no worker shows it, though both have the pages cached.
        assert not any("خبر في موعده" in page for _, page in ask_every_worker(base, log, "/"))
        time.sleep(max(0.0, float(due) - time.time()))

        def shown_everywhere(path: str) -> bool:
            return all("خبر في موعده" in page for _, page in ask_every_worker(base, log, path))

        assert first_time(lambda: shown_everywhere("/"), within=1.0) is not None
        assert shown_everywhere("/feed/rss/")


def test_a_story_the_importer_publishes_shows_on_every_worker(paper, tmp_path):
    env, _, _, _, folder = paper
    page = tmp_path / "page.txt"
    page.write_text(IMPORTED_PAGE, encoding="utf-8")
    with two_workers(env, folder) as (base, log):
        ask_every_worker(base, log, "/")
        subprocess.run(
            [sys.executable, "manage.py", "import_article", str(page), "--publish", "-v0"],
            cwd=PROJECT,
            env=env,
            check=True,
        )
        assert all("خبر جاء من المستورد" in page for _, page in ask_every_worker(base, log, "/"))


def test_a_preview_link_signed_with_the_key_once_in_the_source_opens_nothing(paper):
    env, _, _, draft_pk, folder = paper
    public_key = "django-insecure-embedded-newsroom-key-change-me"
    token = signing.TimestampSigner(key=public_key, salt="articles.preview").sign(str(draft_pk))
    with two_workers(env, folder) as (base, log):
        answers = ask_every_worker(base, log, f"/preview/shared/{token}/")
    assert {status for status, _ in answers} == {404}
    assert not any("مسودة سرية" in page for _, page in answers)
