"""How long a breaking alert takes to reach every subscribed reader, one at a time or several.

    .venv/bin/python bench/alert_delivery.py [--readers 400] [--latency 0.05]

On a throwaway SQLite paper (bench/.data/alerts/), `--readers` subscriptions point at the
tests' loopback push service (articles/tests/push_service.py: it checks each request's VAPID
signature and decrypts its payload, as a browser vendor's service and the browser would), which
waits `--latency` seconds before each answer, as a push service across the internet does. The
alert's delivery task runs in this process, once with NEWSROOM_PUSH_CONCURRENCY=1 and once with
the setting's default; prints the seconds each took and writes results/alert-delivery.json.
"""

import argparse
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOME = HERE / ".data" / "alerts"
shutil.rmtree(HOME, ignore_errors=True)
HOME.mkdir(parents=True)
for name in ("DATABASE_URL", "REDIS_URL", "TASKS_BACKEND"):
    os.environ.pop(name, None)
os.environ.update(
    DATABASE_URL=f"sqlite:///{HOME / 'db.sqlite3'}",
    NEWSROOM_CACHE_DIR=str(HOME / "cache"),
    MEDIA_ROOT=str(HOME / "media"),
    NEWSROOM_SECRET_KEY_FILE=str(HOME / "secret_key"),
    NEWSROOM_PUSH_ALLOW_LOOPBACK="1",
)
sys.path.insert(0, str(HERE))
from django_setup import setup

setup()

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from run import git_revision, machine

from articles import alerts
from articles.models import Alert, Article, Masthead, PushSubscription, Section
from articles.tests.push_service import PushService


def deliver(*, service: PushService, readers: int, concurrency: int, desk: User) -> dict:
    PushSubscription.objects.all().delete()
    Alert.objects.all().delete()
    service.received.clear()
    service.most_in_flight = 0
    rows = []
    for number in range(readers):
        endpoint, keys = service.subscribe(f"reader-{concurrency}-{number}")
        rows.append(
            PushSubscription(
                endpoint=endpoint, p256dh=keys.p256dh, auth=keys.auth, client_hash=f"{number}"
            )
        )
    PushSubscription.objects.bulk_create(rows)
    story = Article.objects.create(
        headline=f"خبر عاجل {concurrency}",
        body="<p>متن</p>",
        section=Section.objects.first(),
        status=Article.Status.PUBLISHED,
        is_breaking=True,
    )
    alert = alerts.alert_send(article=story, by=desk)
    settings.NEWSROOM_PUSH_CONCURRENCY = concurrency
    started = time.perf_counter()
    outcome = alerts.deliver_alert.call(alert_id=alert.pk)
    seconds = time.perf_counter() - started
    if outcome["sent"] != readers:
        raise RuntimeError(f"not every reader got it: {outcome} {service.errors[:3]}")
    return {
        "concurrency": concurrency,
        "seconds": round(seconds, 2),
        "most_in_flight": service.most_in_flight,
        "per_reader_ms": round(1000 * seconds / readers, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.05)
    arguments = parser.parse_args()
    call_command("migrate", "--noinput", verbosity=0)
    Masthead.load()
    Section.objects.create(name="أخبار")
    desk = User.objects.create_superuser("bench-alerts", "b@example.com", "unused-password-1")
    default = settings.NEWSROOM_PUSH_CONCURRENCY
    service = PushService().start()
    service.latency = arguments.latency
    try:
        runs = [
            deliver(service=service, readers=arguments.readers, concurrency=c, desk=desk)
            for c in (1, default)
        ]
    finally:
        service.stop()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": machine(),
        "readers": arguments.readers,
        "push_service_latency_s": arguments.latency,
        "runs": runs,
    }
    (HERE / "results" / "alert-delivery.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
