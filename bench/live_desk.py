"""The desk's side of the live load test (bench/live_load_test.py), in a Django process of its own.

    python bench/live_desk.py setup --out setup.json
    python bench/live_desk.py post --seconds 180 --interval 5 --out posts.jsonl

`setup` makes a desk editor, opens live coverage on one published demo story and names a second,
plain story to compare with. `post` writes an entry every `interval` seconds through the live
desk's own service (`articles.live.live_entry_post`: sanitizer, versions, page-cache bumps), and
writes one JSON line per entry as it commits: its id and the wall-clock time of the commit (the
readers run on the same machine, so their clock is the same).
"""

import argparse
import json
import time

from django_setup import setup as django_setup

django_setup()

from django.contrib.auth.models import Group, User

from articles import live
from articles.models import Article, Editor
from articles.roles import DESK_EDITOR


def setup(out: str) -> None:
    desk, _ = User.objects.get_or_create(username="live-load-desk", defaults={"is_staff": True})
    desk.groups.add(Group.objects.get(name=DESK_EDITOR))
    Editor.objects.get_or_create(user=desk, defaults={"name": "محرر التغطية المباشرة"})
    followed, plain = Article.objects.published().order_by("-published_at")[:2]
    if not followed.is_live:
        live.live_start(article=followed, by=desk)
    with open(out, "w", encoding="utf-8") as file:
        json.dump(
            {
                "story": followed.pk,
                "page": followed.get_absolute_url(),
                "endpoint": f"/live/{followed.pk}/entries/",
                "plain_page": plain.get_absolute_url(),
            },
            file,
        )


def post(*, seconds: float, interval: float, out: str) -> None:
    desk = User.objects.get(username="live-load-desk")
    story = Article.objects.filter(live_started_at__isnull=False, live_ended_at=None).get()
    started = time.monotonic()
    number = 0
    with open(out, "w", encoding="utf-8") as lines:
        while time.monotonic() - started < seconds:
            number += 1
            # The service is one transaction of its own: committed when it returns.
            entry = live.live_entry_post(
                article=story,
                by=desk,
                body=f"<p>تحديث رقم {number}: تواصل فرز الأصوات في اللجان الفرعية.</p>",
                pinned=number % 10 == 1,
            )
            committed_at = time.time()
            lines.write(json.dumps({"id": entry.pk, "number": number, "at": committed_at}))
            lines.write("\n")
            lines.flush()
            time.sleep(max(0.0, started + number * interval - time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("setup")
    command.add_argument("--out", required=True)
    command = commands.add_parser("post")
    command.add_argument("--seconds", type=float, required=True)
    command.add_argument("--interval", type=float, required=True)
    command.add_argument("--out", required=True)
    arguments = parser.parse_args()
    if arguments.command == "setup":
        setup(arguments.out)
    else:
        post(seconds=arguments.seconds, interval=arguments.interval, out=arguments.out)


if __name__ == "__main__":
    main()
