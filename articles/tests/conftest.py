import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings

from articles import most_read, roles
from articles.tests.caches import empty_every_cache
from articles.tests.factories import (
    ArticleFactory,
    EditorFactory,
    MastheadFactory,
    SectionFactory,
    StaffUserFactory,
)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads go to a throwaway folder, so tests can see exactly which files remain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests sign people in often; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def reads_pushed_at_once(settings):
    """Each view reaches the shared counters as it happens (test_most_read tests the batches),
    so no test leaves views in the process's tally for the next one; and no test inherits an
    earlier one's wait for a flush."""
    settings.NEWSROOM_READS_PUSH_EVERY = 1
    most_read._tally.pushed_since = None
    yield
    most_read._tally.pushed_since = None


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    """The shared cache on the local Redis, as in production with several app servers; skipped
    where there is no Redis, except in CI."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "newsroom-tests",
        },
        # As in production with Redis: each process keeps checked copies of pages.
        "local-pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom-tests-local-pages",
        },
    }
    try:
        caches["default"].clear()
    except Exception as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: {error}")
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture(scope="session", autouse=True)
def cache_files_in_tmp(tmp_path_factory):
    """The embedded default's cache files (diskcache) in a throwaway folder: the tests never
    share a cache with a site running from the same checkout."""
    folder = tmp_path_factory.mktemp("cache")
    moved = {
        alias: {**config, "LOCATION": str(folder / alias)}
        if config["BACKEND"] == "newsroom.disk_cache.DiskCache"
        else config
        for alias, config in settings.CACHES.items()
    }
    with override_settings(CACHES=moved):
        yield


@pytest.fixture(autouse=True)
def empty_cache(cache_files_in_tmp):
    """Each test starts with no cached pages, as after a deploy."""
    empty_every_cache()
    yield
    empty_every_cache()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (renditions, icons, old files removed) as a commit would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def chief(db):
    return EditorFactory(name="محمد الباز", job_title="رئيس التحرير", is_editor_in_chief=True)


@pytest.fixture
def masthead(db, chief):
    return MastheadFactory()


@pytest.fixture
def section(db):
    return SectionFactory(name="عربي ودولي")


@pytest.fixture
def published_article(db, section, masthead):
    return ArticleFactory(section=section)


@pytest.fixture
def draft_article(db, section, masthead):
    return ArticleFactory(section=section, draft=True, headline="مسودة سرية لم تنشر")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw-123456789")
    client.force_login(user)
    return client


@pytest.fixture
def article_factory(db):
    return ArticleFactory


@pytest.fixture
def reporter(db):
    """A reporter with a byline (staff profile) of her own."""
    user = StaffUserFactory(username="reporter", role=roles.REPORTER)
    EditorFactory(name="سلمى المراسلة", user=user)
    return user


@pytest.fixture
def other_reporter(db):
    user = StaffUserFactory(username="other-reporter", role=roles.REPORTER)
    EditorFactory(name="كريم المراسل", user=user)
    return user


@pytest.fixture
def desk_editor(db):
    user = StaffUserFactory(username="desk-editor", role=roles.DESK_EDITOR)
    EditorFactory(name="هالة محررة الديسك", user=user)
    return user


@pytest.fixture
def chief_user(db, chief):
    user = StaffUserFactory(username="chief", role=roles.EDITOR_IN_CHIEF)
    chief.user = user
    chief.save()
    return user


@pytest.fixture
def reporters_draft(reporter, section, masthead):
    """A draft signed by the reporter."""
    return ArticleFactory(
        section=section, draft=True, authors=[reporter.editor_profile], headline="مسودة المراسلة"
    )


@pytest.fixture
def client_of(db):
    """A separate browser session signed in as the given user."""

    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def push_service(settings):
    """A push service on loopback (articles/tests/push_service.py) that the site may send to:
    started for the test, stopped after it."""
    from articles.tests.push_service import PushService

    settings.NEWSROOM_PUSH_ALLOW_LOOPBACK = True
    service = PushService().start()
    yield service
    service.stop()


@pytest.fixture
def run_queued_tasks():
    """Run every task waiting in the database queue, as `manage.py db_worker` does, then return.
    (The worker commits as it goes: tests that use it need `transaction=True`.)"""
    from django.core.management import call_command

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    return run
