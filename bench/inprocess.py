"""What one page costs inside Django: SQL queries, bytes, render time; and the pages to load-test.

    .venv/bin/python bench/inprocess.py --out FILE [--renders 50] [--profile-dir DIR]

Runs with the environment of the stack being measured (DATABASE_URL, REDIS_URL, DEBUG off,
STATICFILES_MANIFEST=1 after collectstatic). For each page it records:
- queries and bytes with the shared cache emptied first (CaptureQueriesContext), and the queries
  when the page is served from the cache;
- render time percentiles over `--renders` requests through Django's WSGI handler with the page
  cache off (NEWSROOM_PAGE_CACHE_SECONDS=0, as the "cold" gunicorn runs), and with it warm;
- optionally a cProfile of cold renders, written as text for finding hot spots.
It also saves the article page's HTML into STATIC_ROOT (the "ceiling": the same bytes served as a
static file by WhiteNoise) and writes a list of published article paths for wrk to spread over.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, unquote_to_bytes, urlsplit

import django_setup

django_setup.setup()

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from reader import READER_USER_AGENT

from articles.models import Article, Section

SEARCH_PATH = "/search/?q=" + quote("باكستان")
# The site feed's address is not settled yet: the first of these that answers 200 is measured.
FEED_CANDIDATES = ["/feed/", "/rss/", "/feeds/latest/", "/feed/rss/"]
CEILING_NAME = "bench/article.html"
PROFILED_PAGES = ("home", "section", "article")
# Stories read before the cold article runs: enough to meet every section (20 in the seed).
FRAME_WARM_UP = 100


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timings(values_ms: list[float]) -> dict:
    return {
        "p50": round(statistics.median(values_ms), 2),
        "p90": round(percentile(values_ms, 0.9), 2),
        "min": round(min(values_ms), 2),
        "samples": len(values_ms),
    }


class Client:
    """GET requests straight into Django's WSGI handler, as gunicorn makes them.

    Not django.test.Client: it records every template rendered with a deep copy of its context,
    which made pages built from many includes look twice as slow as they are.
    """

    def __init__(self, host: str = "127.0.0.1"):
        self.handler = WSGIHandler()
        self.host = host

    def get(self, url: str) -> SimpleNamespace:
        address = urlsplit(url)
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            # WSGI carries the path decoded, as bytes in a latin-1 str.
            "PATH_INFO": unquote_to_bytes(address.path).decode("iso-8859-1"),
            "QUERY_STRING": address.query,
            "SERVER_NAME": self.host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": self.host,
            "HTTP_USER_AGENT": READER_USER_AGENT,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = {}

        def start_response(line, headers, exc_info=None):
            status["code"] = int(line.split()[0])

        body = b"".join(self.handler(environ, start_response))
        return SimpleNamespace(status_code=status["code"], content=body)


def choose_pages(client: Client) -> dict[str, str | None]:
    published = Article.objects.published()
    article = published.exclude(lead_image="").order_by("-published_at", "-pk").first()
    section = Section.objects.in_navigation().first()
    feed = next((url for url in FEED_CANDIDATES if client.get(url).status_code == 200), None)
    return {
        "home": "/",
        "section": section.get_absolute_url() if section else None,
        "article": article.get_absolute_url() if article else None,
        "search": SEARCH_PATH,
        "feed": feed,
    }


def render_ms(client: Client, paths: list[str], budget_s: float = 30.0) -> list[float]:
    """Milliseconds per request, stopping early (after 5 at least) when over the time budget."""
    spent = []
    deadline = time.perf_counter() + budget_s
    for path in paths:
        if len(spent) >= 5 and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        response = client.get(path)
        spent.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return spent


def profile_text(client: Client, paths: list[str], what: str, budget_s: float = 15.0) -> str:
    """cProfile of requests for these paths (at least 3, then until the time budget is spent)."""
    profiler = cProfile.Profile()
    deadline = time.perf_counter() + budget_s
    done = 0
    for path in paths:
        if done >= 3 and time.perf_counter() > deadline:
            break
        profiler.enable()
        client.get(path)
        profiler.disable()
        done += 1
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"cProfile of {done} {what} of {paths[0]}\n\n")
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def clear_caches() -> None:
    """Every cache this process sees: the shared one and, with Redis, its own page copies."""
    for alias in settings.CACHES:
        caches[alias].clear()


def measure(args) -> dict:
    client = Client()
    clear_caches()
    pages = choose_pages(client)
    spread = list(
        Article.objects.published().order_by("?").values_list("pk", "slug")[: args.article_paths]
    )
    article_paths = [f"/article/{pk}/{quote(slug)}/" for pk, slug in spread]
    results = {}
    for name, path in pages.items():
        if path is None:
            results[name] = {"path": None, "status": None, "available": False}
            continue
        clear_caches()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        entry = {"path": path, "status": response.status_code, "available": False}
        results[name] = entry
        if response.status_code != 200:
            continue
        with CaptureQueriesContext(connection) as warm_captured:
            client.get(path)
        entry.update(
            available=True,
            bytes=len(response.content),
            queries=len(captured),
            query_log=[
                {"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:400]}
                for q in captured.captured_queries
            ],
            warm_queries=len(warm_captured),
        )
        # Cold: the page cache keeps nothing, as in the cold gunicorn runs; the article page
        # walks through different stories, as a cold cache meets them.
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            clear_caches()
            paths = article_paths[: args.renders] if name == "article" else [path] * args.renders
            # First-touch costs aside: template loading, and the frame every server that has
            # answered pages holds (README, "cold"). The article page's header marks the story's
            # section, one piece per section: stories that are not measured bring them in.
            warm_up = article_paths[-FRAME_WARM_UP:] if name == "article" else paths[:3]
            render_ms(client, warm_up)
            entry["render_ms"] = timings(render_ms(client, paths))
            if args.profile_dir and name in PROFILED_PAGES:
                text = profile_text(client, paths[:20], "cold renders (page cache off)")
                (args.profile_dir / f"profile-{args.stack}-{name}.txt").write_text(text)
        entry["warm_render_ms"] = timings(render_ms(client, [path] * args.renders))
        if args.profile_dir and name == "article":
            text = profile_text(client, [path] * 200, "cached answers (page cache on)")
            (args.profile_dir / f"profile-{args.stack}-{name}-cached.txt").write_text(text)

    if results["article"]["available"]:
        ceiling = Path(settings.STATIC_ROOT) / CEILING_NAME
        ceiling.parent.mkdir(parents=True, exist_ok=True)
        ceiling.write_bytes(client.get(pages["article"]).content)
        results["ceiling"] = {
            "path": "/" + settings.STATIC_URL.strip("/") + "/" + CEILING_NAME,
            "bytes": ceiling.stat().st_size,
            "available": True,
        }
    clear_caches()
    return {
        "database": connection.vendor,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "articles": Article.objects.count(),
        "published": Article.objects.published().count(),
        "pages": results,
        "article_paths": article_paths,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--stack", default="local")
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--article-paths", type=int, default=2000)
    parser.add_argument("--profile-dir", type=Path)
    args = parser.parse_args()
    args.out.write_text(json.dumps(measure(args), ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
