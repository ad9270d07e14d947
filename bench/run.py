"""The page benchmark: seed, serve with gunicorn, measure with wrk, write bench/RESULTS.md.

    make bench                          # both stacks, then the load test
    .venv/bin/python bench/run.py       # this part alone

For each stack — SQLite + local-memory cache (the embedded default) and PostgreSQL + Redis — it
seeds (or reuses) a large paper, runs collectstatic with hashed files, measures each page inside
Django (bench/inprocess.py), then serves the site with gunicorn (2 sync workers, DEBUG off,
WhiteNoise) twice: "cold" with the page cache off (NEWSROOM_PAGE_CACHE_SECONDS=0; the article
page spread over 2,000 stories), and "warm" with the cache on and filled by a warm-up run. In each
server run wrk measures every page and the ceiling: the article page's HTML saved as a static
file and served by WhiteNoise through the same gunicorn. Ratios compare a page with the ceiling
of the same server run. Each run's figures go to bench/results/bench.json (per stack, so one
stack can be re-run alone) and RESULTS.md is rewritten from it.

Environment knobs: BENCH_ARTICLES (100000), BENCH_STACKS (sqlite,postgres), BENCH_DURATION
(seconds of wrk per measurement, 10), BENCH_WARMUP (2), BENCH_CONNECTIONS (16), BENCH_THREADS
(2), BENCH_PORT (8160), BENCH_RENDERS (50), BENCH_DATABASE_URL, BENCH_REDIS_URL.
"""

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import processes
import report
from processes import (
    ARTICLES,
    DATA,
    PG_URL,
    PYTHON,
    REDIS_URL,
    RESULTS,
    ROOT,
    SQLITE_URL,
    Gunicorn,
)
from reader import WRK_AS_READER

STACK_NAMES = os.environ.get("BENCH_STACKS", "sqlite,postgres").split(",")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8160"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "50"))
WORKERS = 2
PAGES = ["home", "section", "article", "search", "feed"]
WRK_DIR = ROOT / "bench" / "wrk"

STACKS = {
    "sqlite": {
        "label": "SQLite + diskcache",
        "env": {"DATABASE_URL": SQLITE_URL, "NEWSROOM_CACHE_DIR": str(DATA / "cache")},
    },
    "postgres": {
        "label": "PostgreSQL + Redis",
        "env": {"DATABASE_URL": PG_URL, "REDIS_URL": REDIS_URL},
    },
}


def stack_env(name: str, **extra: str) -> dict:
    """Production-like settings (DEBUG off, hashed static files) over the stack's services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PRODUCTION", "NEWSROOM_PAGE_CACHE_SECONDS"}
    }
    env.update(
        DEBUG="0",
        PRODUCTION="0",
        STATICFILES_MANIFEST="1",
        WHITENOISE_USE_FINDERS="0",
        MEDIA_ROOT=str(DATA / "media"),
        CACHE_KEY_PREFIX="newsroom-bench",
        PYTHONUNBUFFERED="1",
    )
    env.update(STACKS[name]["env"])
    env.update(extra)
    return env


def python_loop_ms() -> float:
    """Best of five runs of a fixed pure-Python loop, in ms: how fast this machine runs Python,
    to set absolute timings from different machines side by side (the ratios to the ceiling
    mostly cancel it out)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number % 7
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def machine() -> dict:
    meminfo = dict(
        line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(meminfo["MemTotal"].split()[0]) / 1024 / 1024, 1),
        "loadavg_before": [round(value, 2) for value in os.getloadavg()],
        "kernel": platform.release(),
        "python": platform.python_version(),
        "python_loop_ms": python_loop_ms(),
    }


def git_revision() -> str:
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", ".", ":!bench/results", ":!bench/RESULTS.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return revision + ("+changes" if dirty else "")
    except OSError:
        return "unknown"


def wrk(wrk_bin: str, url: str, *, seconds: int, paths_file: Path | None = None) -> dict:
    script = WRK_DIR / ("spread.lua" if paths_file else "report.lua")
    args = [
        wrk_bin, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
        "--timeout", "30s", *WRK_AS_READER, "-s", str(script), url,
    ]  # fmt: skip
    if paths_file:
        args += ["--", str(paths_file)]
    out = processes.run(args, env=dict(os.environ), timeout=seconds + 60, capture=True)
    return parse_wrk(out)


def parse_wrk(out: str) -> dict:
    """The figures report.lua prints, in milliseconds and requests per second."""
    line = next((line for line in out.splitlines() if line.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["latency_us"]["p50"] / 1000, 2),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 2),
        "requests": raw["requests"],
        "non_2xx_3xx": raw["errors"]["status"],
        "socket_errors": sum(v for k, v in raw["errors"].items() if k != "status"),
        "bytes_per_response": round(raw["bytes"] / max(raw["requests"], 1)),
        "raw": raw,
    }


def drain(server: Gunicorn, path: str) -> None:
    """Wait until the requests wrk left queued in the listen backlog have been answered."""
    for _ in range(WORKERS):
        processes.http_get(server.base + path, timeout=120)


def measure_server(
    wrk_bin: str, server: Gunicorn, targets: dict[str, dict], mode: str, article_paths: Path
) -> dict:
    """wrk each page, with the ceiling before the first page, between pages and after the last.

    Each page is compared with the mean of the ceiling runs just before and just after it: this
    machine's speed drifts by a fifth within minutes, so a ceiling measured minutes away from a
    page would move its ratio by as much. The ceiling's own figure is the mean of all its runs.
    """
    results = {}
    quiet = targets.get("ceiling", {"path": "/"})["path"]
    pages = [name for name in targets if name != "ceiling"]
    ceiling_runs = []

    def run(name: str) -> dict:
        path = targets[name]["path"]
        spread = article_paths if (mode == "cold" and name == "article") else None
        print(f"  {mode:4} {name:14} {path[:60]}", flush=True)
        wrk(wrk_bin, server.base + path, seconds=WARMUP, paths_file=spread)  # fill caches
        drain(server, quiet)
        figures = wrk(wrk_bin, server.base + path, seconds=DURATION, paths_file=spread)
        drain(server, quiet)
        if spread:
            figures["spread_over_articles"] = sum(1 for _ in article_paths.open())
        figures["loadavg_after"] = round(os.getloadavg()[0], 2)
        return figures

    if "ceiling" not in targets:
        return {
            "pages": {name: run(name) for name in pages},
            "worker_rss_mb": server.worker_rss_mb(),
        }
    ceiling_runs.append(run("ceiling"))
    for name in pages:
        results[name] = run(name)
        ceiling_runs.append(run("ceiling"))
        around = (ceiling_runs[-2]["rps"] + ceiling_runs[-1]["rps"]) / 2
        results[name]["ceiling_rps"] = round(around, 1)
        results[name]["ratio_to_ceiling"] = round(results[name]["rps"] / around, 4)
    results["ceiling"] = {
        **ceiling_runs[-1],
        "rps": round(sum(run["rps"] for run in ceiling_runs) / len(ceiling_runs), 1),
        "rps_runs": [run["rps"] for run in ceiling_runs],
    }
    return {"pages": results, "worker_rss_mb": server.worker_rss_mb()}


def clear_cache(env: dict) -> None:
    processes.run(
        [PYTHON, "-c", "import sys; sys.path.insert(0, 'bench'); import django_setup; "
         "django_setup.setup(); from django.conf import settings; "
         "from django.core.cache import caches; "
         "[caches[alias].clear() for alias in settings.CACHES]"],
        env=env,
        timeout=120,
    )  # fmt: skip


def bench_stack(wrk_bin: str, name: str) -> dict:
    print(f"== {STACKS[name]['label']} ==", flush=True)
    started = time.monotonic()
    env = stack_env(name)
    result = {
        "label": STACKS[name]["label"],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "revision": git_revision(),
        "settings": {
            "articles": ARTICLES,
            "wrk": f"-t{THREADS} -c{CONNECTIONS} -d{DURATION}s (after a {WARMUP} s warm-up)",
            "gunicorn": f"{WORKERS} sync workers, DEBUG off, WhiteNoise, no access log",
        },
    }
    seed_report = DATA / f"seed-{name}.json"
    processes.run(
        [PYTHON, "bench/seed.py", "--articles", str(ARTICLES), "--report", str(seed_report)],
        env=env,
        timeout=1800,
    )
    result["seed"] = json.loads(seed_report.read_text())
    processes.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        timeout=600,
    )
    inprocess_file = DATA / f"inprocess-{name}.json"
    processes.run(
        [
            PYTHON, "bench/inprocess.py", "--out", str(inprocess_file), "--stack", name,
            "--renders", str(RENDERS), "--profile-dir", str(RESULTS),
        ],
        env=env,
        timeout=1800,
    )  # fmt: skip
    inprocess = json.loads(inprocess_file.read_text())
    # The desk's admin pages, signed in (issue 21's targets); report.py reads the file.
    processes.run(
        [PYTHON, "bench/admin_pages.py", "--out", str(RESULTS / f"admin-{name}.json"),
         "--stack", name],
        env=env,
        timeout=1800,
    )  # fmt: skip
    article_paths = DATA / f"article-paths-{name}.txt"
    article_paths.write_text("\n".join(inprocess.pop("article_paths")) + "\n")
    result["inprocess"] = inprocess
    targets = {
        page: inprocess["pages"][page]
        for page in [*PAGES, "ceiling"]
        if inprocess["pages"].get(page, {}).get("available")
    }
    for mode, cache_seconds in (("cold", "0"), ("warm", None)):
        server_env = stack_env(
            name, **({"NEWSROOM_PAGE_CACHE_SECONDS": cache_seconds} if cache_seconds else {})
        )
        clear_cache(server_env)
        log = DATA / f"gunicorn-{name}-{mode}.log"
        log.write_text("")
        with Gunicorn(port=PORT, env=server_env, workers=WORKERS, log=log) as server:
            result[mode] = measure_server(wrk_bin, server, targets, mode, article_paths)
    clear_cache(env)
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    wrk_bin = processes.ensure_wrk()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results_file = RESULTS / "bench.json"
    stored = json.loads(results_file.read_text()) if results_file.exists() else {"stacks": {}}
    unknown = set(STACK_NAMES) - set(STACKS)
    if unknown:
        sys.exit(f"unknown stack(s) {sorted(unknown)}; choose from {sorted(STACKS)}")
    for name in STACK_NAMES:
        stored["stacks"][name] = bench_stack(wrk_bin, name)
        results_file.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n")
        report.write()
    print(f"wrote {results_file.relative_to(ROOT)} and bench/RESULTS.md")


if __name__ == "__main__":
    main()
