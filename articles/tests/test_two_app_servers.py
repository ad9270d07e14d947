"""Two app servers over one PostgreSQL and one Redis: a change made through one shows, or
vanishes, on the other at once, although both cache their pages.

Real gunicorn processes on loopback ports, started and stopped by the test. Needs the local
PostgreSQL and Redis (both run on the development machines and in CI); elsewhere it is skipped,
except in CI, where a missing service fails it.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django_otp.oath import totp

from staff.tests.signin import LOGIN_URL, STEP

pytestmark = pytest.mark.multiserver

PROJECT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get("TWO_SERVERS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_NAME = "newsroom_two_servers"
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS", "redis://127.0.0.1:6379/13")
HEADLINE = "خبر ينشر من الخادم الأول"

# The desk editor's authenticator key: her role signs in with a code (staff/two_factor.py).
DESK_OTP_KEY = "3132333435363738393031323334353637383930"
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
    headline="{HEADLINE}", body="<p>متن</p>", section=section, status=Article.Status.REVIEW
)
ArticleAuthor.objects.create(article=article, editor=editor)
print(article.pk, article.get_absolute_url())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def services_available() -> str | None:
    import psycopg
    import redis

    try:
        psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as error:  # any failure means "not here"
        return str(error)
    return None


def django_shell(env: dict, script: str) -> str:
    """Run `script` in `manage.py shell` (another process on the same database and cache)."""
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
def environment():
    if (missing := services_available()) is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL or Redis missing in CI: {missing}")
        pytest.skip(f"needs the local PostgreSQL and Redis: {missing}")
    import psycopg
    import redis

    with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE_NAME}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES_ADMIN_URL}/{DATABASE_NAME}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "two-servers-test-key-" + "x" * 40,
        "DEBUG": "0",
        "MEDIA_ROOT": str(PROJECT / "bench" / ".data" / "two-servers-media"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=PROJECT, env=env, check=True)
    pk, url = django_shell(env, SETUP_SCRIPT).split()
    yield env, int(pk), url
    redis.Redis.from_url(REDIS_URL).flushdb()
    with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")


@contextmanager
def app_server(env):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--no-control-socket", "--log-level", "warning",
        ],
        cwd=PROJECT,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the app server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str, opener=None) -> tuple[int, str]:
    opener = opener or urllib.request.build_opener()
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Desk:
    """A desk editor's browser session on one app server."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def post(self, path: str, data: dict) -> int:
        request = urllib.request.Request(  # noqa: S310
            self.base + path,
            data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode(),
            headers={"Referer": self.base + path},
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status

    def sign_in(self) -> None:
        """The password, then the code of the desk editor's authenticator (her role requires
        it), through the two-factor sign-in as a browser sends them."""
        get(self.base + LOGIN_URL, self.opener)
        self.post(
            f"{LOGIN_URL}?next=/admin/",
            {STEP: "auth", "auth-username": "desk", "auth-password": "desk-password-123"},
        )
        code = f"{totp(bytes.fromhex(DESK_OTP_KEY)):06d}"
        self.post(f"{LOGIN_URL}?next=/admin/", {STEP: "token", "token-otp_token": code})
        assert any(cookie.name == "sessionid" for cookie in self.cookies), "sign-in failed"

    def act(self, action: str, pk: int, **extra) -> None:
        get(self.base + "/admin/articles/article/", self.opener)
        self.post(
            "/admin/articles/article/",
            {"action": action, "_selected_action": pk, "index": 0, **extra},
        )


def first_time(check, *, within: float) -> float | None:
    """Seconds until `check()` first holds, polling, or None if it never did within the time."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) <= within:
        if check():
            return elapsed
        time.sleep(0.02)
    return None


def test_a_story_published_or_withdrawn_on_one_server_shows_on_the_other_within_a_second(
    environment,
):
    env, pk, article_url = environment
    with ExitStack() as servers:
        first = servers.enter_context(app_server(env))
        second = servers.enter_context(app_server(env))

        # Readers of the second server have its pages cached, without the story.
        for _ in range(2):
            status, home = get(second + "/")
            assert status == 200 and HEADLINE not in home
        assert get(second + article_url)[0] == 404

        desk = Desk(first)
        desk.sign_in()
        desk.act("publish_selected", pk)

        shown = first_time(lambda: HEADLINE in get(second + "/")[1], within=1.0)
        assert shown is not None, "the second server still served the old home page after 1 s"
        assert get(second + article_url)[0] == 200

        desk.act("withdraw_selected", pk, apply="1", comment="خطأ في الخبر")
        gone = first_time(lambda: get(second + article_url)[0] == 410, within=1.0)
        assert gone is not None, "the withdrawn story was still served after 1 s"
        assert not re.search(re.escape(HEADLINE), get(second + "/")[1])


def test_an_editor_renamed_elsewhere_shows_at_once_on_the_cards_each_server_keeps(environment):
    env, pk, _ = environment
    django_shell(
        env,
        "from articles.models import Article\n"
        f"article = Article.objects.get(pk={pk})\n"
        "article.status = Article.Status.PUBLISHED\n"
        "article.save()",
    )
    # Pages built at every view: only the story cards each server keeps are reused.
    rebuilding = {**env, "NEWSROOM_PAGE_CACHE_SECONDS": "0"}
    with ExitStack() as servers:
        bases = [servers.enter_context(app_server(rebuilding)) for _ in range(2)]
        for base in bases:
            for _ in range(2):
                assert card_bylines(base) == {"محمد الباز"}
        django_shell(
            env,
            "from articles.models import Editor\n"
            "editor = Editor.objects.get(name='محمد الباز')\n"
            "editor.name = 'محمد الباز الكبير'\n"
            "editor.save()",
        )
        for base in bases:
            renamed = first_time(
                lambda b=base: card_bylines(b) == {"محمد الباز الكبير"}, within=1.0
            )
            assert renamed is not None, f"{base} still showed the old byline after 1 s"


def card_bylines(base: str) -> set[str]:
    """The bylines on the home page's cards, as text."""
    spans = re.findall(r'<span class="byline">(.*?)</span>', get(base + "/")[1])
    return {re.sub(r"<[^>]+>", "", span) for span in spans}
