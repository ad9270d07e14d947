"""The one settings module behaves as documented in .env.example."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "news.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.com",
    "AXES_PROXY_COUNT": "1",  # one load balancer in front, as in the README
}


def manage(*args, **env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PRODUCTION", "SECRET_KEY", "AXES_PROXY_COUNT"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_deploy_check_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_a_production_run_that_does_not_say_how_many_proxies():
    env = {**PRODUCTION_ENV, "AXES_PROXY_COUNT": ""}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "newsroom.W001" in result.stderr + result.stdout
    assert "ckeditor.W001" not in result.stderr + result.stdout  # still silenced


PUBLIC_KEY = "django-insecure-embedded-newsroom-key-change-me"  # once in this source


@pytest.mark.parametrize("secret", ["", "short"])
def test_production_refuses_to_start_without_its_own_secret_key(secret):
    env = {**PRODUCTION_ENV, "SECRET_KEY": secret}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "PRODUCTION=1 needs its own SECRET_KEY" in result.stderr


@pytest.mark.parametrize("production", ["0", "1"])
def test_a_key_once_published_in_the_source_is_refused_everywhere(production):
    result = manage(
        "check", **{**PRODUCTION_ENV, "PRODUCTION": production, "SECRET_KEY": PUBLIC_KEY}
    )
    assert result.returncode != 0
    assert "published in Newsroom's source code" in result.stderr


PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_a_run_without_a_key_makes_its_own_once_readable_by_its_owner_only(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    env = {"DEBUG": "0", "NEWSROOM_SECRET_KEY_FILE": str(key_file)}
    first = manage("shell", "--no-imports", "-c", PRINT_KEY, **env)
    second = manage("shell", "--no-imports", "-c", PRINT_KEY, **env)

    key = first.stdout.strip()
    assert len(key) >= 50 and key != PUBLIC_KEY, first.stderr
    assert second.stdout.strip() == key  # the same install signs with the same key every start
    assert key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_two_installs_never_share_a_key(tmp_path):
    keys = {
        manage(
            "shell", "--no-imports", "-c", PRINT_KEY, NEWSROOM_SECRET_KEY_FILE=str(tmp_path / name)
        ).stdout.strip()
        for name in ("first", "second")
    }
    assert len(keys) == 2


def test_redis_url_selects_the_shared_redis_cache():
    script = (
        "from django.core.cache import caches; "
        "from django.core.cache.backends.redis import RedisCache; "
        "print(isinstance(caches['default'], RedisCache))"
    )
    result = manage("shell", "--no-imports", "-c", script, REDIS_URL="redis://127.0.0.1:6379/9")
    assert result.stdout.strip() == "True"


def test_bucket_name_switches_uploads_to_object_storage():
    script = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    result = manage("shell", "--no-imports", "-c", script, AWS_STORAGE_BUCKET_NAME="newsroom-media")
    assert result.stdout.strip() == "storages.backends.s3.S3Storage"


POSTGRES_URL = os.environ.get("CI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
COUNT_PREPARED = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    for day in range(8): cursor.execute('SELECT %s + 1', [day])\n"
    "    cursor.execute('SELECT count(*) FROM pg_prepared_statements')\n"
    "    print(cursor.fetchone()[0])\n"
)


@pytest.mark.parametrize(("threshold", "prepared"), [("", "1"), ("5", "1"), ("off", "0")])
def test_postgresql_plans_a_repeated_query_once_unless_switched_off(threshold, prepared):
    env = {"DATABASE_URL": POSTGRES_URL, "DB_PREPARE_THRESHOLD": threshold}
    result = manage("shell", "--no-imports", "-c", COUNT_PREPARED, **env)
    assert result.stdout.strip() == prepared, result.stderr
