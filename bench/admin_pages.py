"""What the desk's admin pages cost inside Django: SQL queries and render time, signed in.

    .venv/bin/python bench/admin_pages.py --out FILE [--renders 7] [--stack NAME]

Runs with the environment of the stack being measured (DATABASE_URL, REDIS_URL, DEBUG off), on
a seeded paper (bench/seed.py). A superuser `bench-desk` is made once in that database and
signed in through Django's test client (no `setup_test_environment`, so the client does not
record templates and their contexts: a page costs what it costs a browser's request). For each
admin page it records the queries of one render and the p50 of `--renders` renders after one
warm-up: the article list (page 1, page 500, each filter), its search (the
spellings of issue 21), the desk's dashboard (admin index) and a story's change form. Issue 21's
target is p50 at most 150 ms for each, on both stacks.
"""

import argparse
import json
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import django_setup

django_setup.setup()

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article, Editor, Section

LIST = "/admin/articles/article/"
TARGET_P50_MS = 150
SEARCHES = ["الناتو", "النّاتو", "باكستان", "باكستانيه", "القاهره", "الاهلي"]
DESK_USER = "bench-desk"


def desk_client() -> Client:
    user, created = get_user_model().objects.get_or_create(
        username=DESK_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    # Signed in as the two-factor sign-in leaves staff: with a code from their authenticator.
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def admin_pages() -> dict[str, str]:
    section = Section.objects.order_by("pk").first()
    editor = Editor.objects.order_by("pk").first()
    story = Article.objects.published().order_by("-published_at", "-pk").first()
    today = timezone.localtime(story.published_at).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    pages = {
        "dashboard": "/admin/",
        "list": LIST,
        "list_page_500": f"{LIST}?p=500",
        "filter_draft": f"{LIST}?state=draft",
        "filter_published": f"{LIST}?state=published",
        "filter_scheduled": f"{LIST}?state=scheduled",
        "filter_mine": f"{LIST}?mine=1",
        "filter_section": f"{LIST}?section__id__exact={section.pk}",
        "filter_breaking": f"{LIST}?is_breaking__exact=1",
        "filter_featured": f"{LIST}?is_featured__exact=1",
        "filter_pinned": f"{LIST}?is_pinned__exact=1",
        "filter_author": f"{LIST}?authors__id__exact={editor.pk}",
        "filter_past_7_days": f"{LIST}?"
        + urlencode(
            {
                "published_at__gte": str(today - timedelta(days=7)),
                "published_at__lt": str(today + timedelta(days=1)),
            }
        ),
        "filter_section_page_20": f"{LIST}?section__id__exact={section.pk}&p=20",
    }
    for number, term in enumerate(SEARCHES):
        pages[f"search_{number}"] = f"{LIST}?{urlencode({'q': term})}"
    pages["change_form"] = f"{LIST}{story.pk}/change/"
    return pages


def measure(args) -> dict:
    load_before = [round(value, 2) for value in os.getloadavg()]
    client = desk_client()
    results = {}
    for name, path in admin_pages().items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        entry = {
            "path": path,
            "status": response.status_code,
            "queries": len(captured),
            # Read now: every request empties the connection's query log.
            "slowest_queries": sorted(
                (
                    {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]}
                    for q in captured.captured_queries
                ),
                key=lambda q: -q["ms"],
            )[:3],
        }
        results[name] = entry
        if response.status_code != 200:
            print(f"{name}: {path} answered {response.status_code}")
            continue
        spent = []
        for _ in range(args.renders):
            started = time.perf_counter()
            client.get(path)
            spent.append((time.perf_counter() - started) * 1000)
        entry.update(
            p50_ms=round(statistics.median(spent), 1),
            min_ms=round(min(spent), 1),
            max_ms=round(max(spent), 1),
            renders=len(spent),
        )
        print(f"{name:24} {entry['p50_ms']:9.1f} ms  {entry['queries']:3} queries  {path}")
    return {
        "database": connection.vendor,
        "articles": Article.objects.count(),
        "editors": Editor.objects.count(),
        "target_p50_ms": TARGET_P50_MS,
        # Other work on the machine slows every figure: the load average around the run.
        "loadavg_before": load_before,
        "loadavg_after": [round(value, 2) for value in os.getloadavg()],
        "pages": results,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--stack", default="local")
    parser.add_argument("--renders", type=int, default=7)
    args = parser.parse_args()
    result = {"stack": args.stack, **measure(args)}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
