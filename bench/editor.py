"""The load test's editor: publishes and withdraws stories while readers load the servers.

    .venv/bin/python bench/editor.py paths --out FILE [--stories 500]
    .venv/bin/python bench/editor.py run --servers URL,URL --seconds 180 --out FILE
    .venv/bin/python bench/editor.py cleanup

Runs with the same settings as the app servers (PostgreSQL + Redis). Each change is made the way
the admin makes it: inside one transaction (the article, then its byline). After each change it
reads the home page, the story's section page and the story's own page through every app server
until they show the change; a response that still shows the old state is a stale read. At the
end it checks that every change is in the database (lost writes) and that both servers show the
final state, then deletes the stories it created (kicker "اختبار تحميل"), so the seed keeps its
size.
"""

import argparse
import json
import random
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import django_setup

django_setup.setup()

from django.db import transaction
from django.utils import timezone
from seed import LOAD_TEST_KICKER

from articles.models import Article, ArticleAuthor, Editor, Section

KEEP_POLLING_S = 10.0  # after the deadline, how long to keep looking before calling it lost


HOME_WEIGHT, SECTION_WEIGHT = 20, 2  # a news site's readers land on the home page first


def reader_paths(stories: int) -> list[str]:
    """Pages the readers load: home, every section, and stories the editor never touches.

    Weighted by repetition: with 200 stories, the home page is ~8% of requests, sections ~16%.
    """
    sections = [section.get_absolute_url() for section in Section.objects.all()]
    articles = (
        Article.objects.published()
        .exclude(kicker=LOAD_TEST_KICKER)
        .order_by("?")
        .values_list("pk", "slug")[:stories]
    )
    stories = [f"/article/{pk}/{quote(slug)}/" for pk, slug in articles]
    return ["/"] * HOME_WEIGHT + sections * SECTION_WEIGHT + stories


def fetch(url: str) -> tuple[int, str, float, float]:
    """Status, body, and when the request was sent and answered (monotonic seconds)."""
    sent = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode(), sent, time.monotonic()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), sent, time.monotonic()
    except OSError as error:
        return 0, str(error), sent, time.monotonic()


class Desk:
    """Makes the changes and watches them reach every server."""

    def __init__(self, servers: list[str], deadline_s: float):
        self.servers, self.deadline_s = servers, deadline_s
        self.rng = random.Random()
        self.sections = list(Section.objects.all())
        self.bylines = list(Editor.objects.all()[:10])
        self.live: list[Article] = []
        self.changes: list[dict] = []
        self.pool = ThreadPoolExecutor(max_workers=len(servers) * 3)
        self.counter = 0

    def publish(self) -> dict:
        self.counter += 1
        headline = f"خبر عاجل من اختبار التحميل رقم {self.counter} {self.rng.randrange(10**6)}"
        with transaction.atomic():  # as the admin saves: the story, then its byline
            article = Article.objects.create(
                headline=headline,
                kicker=LOAD_TEST_KICKER,
                dek="خبر ينشره محرر اختبار التحميل ثم يسحبه.",
                body="<p>متن قصير لخبر ينشر ويسحب أثناء اختبار التحميل.</p>",
                section=self.rng.choice(self.sections),
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            ArticleAuthor.objects.create(article=article, editor=self.rng.choice(self.bylines))
        committed = time.monotonic()
        self.live.append(article)
        return {"action": "publish", "article": article, "committed": committed, "shown": True}

    def withdraw(self) -> dict:
        article = self.live.pop(0)
        with transaction.atomic():
            article.status = Article.Status.DRAFT
            article.save()
        return {
            "action": "withdraw",
            "article": article,
            "committed": time.monotonic(),
            "shown": False,
        }

    def probe_commit_race(self) -> dict:
        """Force what load makes likely: a reader between the invalidation and the commit.

        The admin saves inside a transaction, and the cache is purged by post_save signals,
        i.e. before the commit. A page built by a request that arrives in between reads the
        database without the change, yet is stored as up to date. This reads the home page
        through the first server at that moment, then checks every server after the commit.
        """
        self.counter += 1
        headline = f"خبر فحص سباق المعاملة رقم {self.counter} {self.rng.randrange(10**6)}"
        with transaction.atomic():
            article = Article.objects.create(
                headline=headline,
                kicker=LOAD_TEST_KICKER,
                body="<p>فحص.</p>",
                section=self.rng.choice(self.sections),
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            ArticleAuthor.objects.create(article=article, editor=self.rng.choice(self.bylines))
            during = fetch(self.servers[0] + "/")
        time.sleep(2)
        after = {server: fetch(server + "/") for server in self.servers}
        stale = [server for server, answer in after.items() if headline not in answer[1]]
        article.delete()
        return {
            "read_between_invalidation_and_commit_status": during[0],
            "servers_stale_2s_after_commit": len(stale),
            "servers": len(self.servers),
        }

    def pages(self, article: Article) -> list[str]:
        return ["/", article.section.get_absolute_url(), article.get_absolute_url()]

    @staticmethod
    def shows(path: str, status: int, body: str, article: Article) -> bool | None:
        """True/False: the page shows the story or not; None: no usable answer."""
        if path.startswith("/article/"):
            return {200: article.headline in body, 404: False}.get(status)
        return (article.headline in body) if status == 200 else None

    def watch(self, change: dict) -> dict:
        """Poll every page on every server until it reflects the change.

        For each page: `fresh_ms`, when the first request that got the new state was sent
        (how long the page stayed stale: ~0 when the first look already shows the change),
        and `answered_ms`, when that answer arrived (adds the queueing under load).
        """
        article, expected, committed = change["article"], change["shown"], change["committed"]
        watched = {(server, path) for server in self.servers for path in self.pages(article)}
        result = {
            "stale_reads": 0,
            "status_5xx": 0,
            "errors": 0,
            "checks": 0,
            "fresh_ms": {},
            "answered_ms": {},
        }
        while watched and time.monotonic() - committed < self.deadline_s + KEEP_POLLING_S:
            answers = self.pool.map(
                lambda key: (key, fetch(key[0] + key[1])), sorted(watched)
            )  # fmt: skip
            for (server, path), (status, body, sent, answered) in answers:
                result["checks"] += 1
                result["status_5xx"] += status >= 500
                result["errors"] += status == 0
                shown = self.shows(path, status, body, article)
                if shown is None:
                    continue
                if shown == expected:
                    watched.discard((server, path))
                    page = f"{server}{path}"
                    result["fresh_ms"][page] = round((sent - committed) * 1000, 1)
                    result["answered_ms"][page] = round((answered - committed) * 1000, 1)
                else:
                    result["stale_reads"] += 1
            if watched:
                time.sleep(0.05)
        result["late"] = sum(ms > self.deadline_s * 1000 for ms in result["fresh_ms"].values())
        result["never"] = len(watched)
        return result

    def run(self, seconds: float, interval: float) -> None:
        ends = time.monotonic() + seconds
        step = 0
        while time.monotonic() + interval <= ends:
            slot = time.monotonic()
            # publish, publish, withdraw the older, publish, withdraw the older, ...
            change = self.withdraw() if step >= 2 and step % 2 == 0 else self.publish()
            change.update(self.watch(change))
            self.changes.append(change)
            step += 1
            time.sleep(max(0.0, interval - (time.monotonic() - slot)))

    def lost_writes(self) -> int:
        """Changes whose final state is not what the database holds at the end."""
        expected = {}
        for change in self.changes:
            expected[change["article"].pk] = change["shown"]
        stored = dict(
            Article.objects.filter(pk__in=expected).values_list("pk", "status")
        )  # fmt: skip
        return sum(
            stored.get(pk) != (Article.Status.PUBLISHED if shown else Article.Status.DRAFT)
            for pk, shown in expected.items()
        )

    def final_state_everywhere(self) -> int:
        """Pages on any server that disagree with the database at the end."""
        wrong = 0
        for article in {c["article"].pk: c["article"] for c in self.changes}.values():
            article.refresh_from_db()
            for server in self.servers:
                for path in self.pages(article):
                    status, body, _, _ = fetch(server + path)
                    if self.shows(path, status, body, article) != article.is_published:
                        wrong += 1
        return wrong

    def summary(self, interval: float) -> dict:
        fresh = [ms for c in self.changes for ms in c["fresh_ms"].values()]
        answered = [ms for c in self.changes for ms in c["answered_ms"].values()]
        return {
            "interval_s": interval,
            "deadline_s": self.deadline_s,
            "published": sum(c["action"] == "publish" for c in self.changes),
            "withdrawn": sum(c["action"] == "withdraw" for c in self.changes),
            "checks": sum(c["checks"] for c in self.changes),
            "stale_reads_within_deadline": sum(c["stale_reads"] for c in self.changes),
            "pages_late": sum(c["late"] for c in self.changes),
            "never_showed": sum(c["never"] for c in self.changes),
            "status_5xx": sum(c["status_5xx"] for c in self.changes),
            "connection_errors": sum(c["errors"] for c in self.changes),
            "stale_for_ms": _spread(fresh),
            "answered_after_ms": _spread(answered),
            "lost_writes": self.lost_writes(),
            "final_state_disagreements": self.final_state_everywhere(),
            "changes": [
                {
                    "action": c["action"],
                    "article": c["article"].pk,
                    "stale_reads": c["stale_reads"],
                    "late": c["late"],
                    "never": c["never"],
                    "stale_for_ms": max(c["fresh_ms"].values(), default=None),
                    "answered_ms": max(c["answered_ms"].values(), default=None),
                }
                for c in self.changes
            ],
        }


def _spread(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "max": None}
    return {"p50": round(statistics.median(values), 1), "max": max(values)}


def cleanup() -> int:
    """Delete the stories a load test published (one by one, so every page is purged)."""
    stories = list(Article.objects.filter(kicker=LOAD_TEST_KICKER))
    for story in stories:
        story.delete()
    return len(stories)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    paths = sub.add_parser("paths")
    paths.add_argument("--out", type=Path, required=True)
    paths.add_argument("--stories", type=int, default=200)
    run = sub.add_parser("run")
    run.add_argument("--servers", required=True, help="comma-separated base URLs")
    run.add_argument("--seconds", type=float, default=180)
    run.add_argument("--interval", type=float, default=3.0)
    run.add_argument("--deadline", type=float, default=1.0)
    run.add_argument("--out", type=Path, required=True)
    sub.add_parser("cleanup")
    args = parser.parse_args()

    if args.command == "paths":
        args.out.write_text("\n".join(reader_paths(args.stories)) + "\n")
    elif args.command == "cleanup":
        print(f"removed {cleanup()} load-test stories")
    else:
        editor = Desk(args.servers.split(","), args.deadline)
        try:
            probe = editor.probe_commit_race()
            editor.run(args.seconds - 3, args.interval)
            summary = editor.summary(args.interval)
            summary["commit_race_probe"] = probe
        finally:
            editor.pool.shutdown()
            cleanup()
        args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
