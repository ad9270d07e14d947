"""The bounded load test: two app servers, 64 readers, an editor publishing and withdrawing.

    make load-test
    .venv/bin/python bench/load_test.py

On the PostgreSQL + Redis stack (the seed of bench/run.py, reused or made): two gunicorn app
servers (2 sync workers each, two loopback ports) share the database and the cache; two wrk
processes keep 64 readers on them (half each) over the home page, every section and a few hundred
stories; meanwhile bench/editor.py publishes a story or withdraws an earlier one every few
seconds through the ORM and watches, through both servers, that each change shows or vanishes
(stale reads, time to visible, 5xx). At the end it checks for lost writes, removes its stories,
stops everything it started, writes bench/results/load-test.json and rewrites bench/RESULTS.md.
Exits non-zero when a 5xx, a stale page or a lost write was seen.

Knobs: LOAD_TEST_SECONDS (180), LOAD_TEST_READERS (64), LOAD_TEST_INTERVAL (3 s between
changes), LOAD_TEST_DEADLINE (1 s), LOAD_TEST_PORT (8162; the second server takes the next
port), BENCH_ARTICLES (100000).
"""

import json
import os
import sys
import time
from datetime import UTC, datetime

import processes
import report
from processes import DATA, PYTHON, RESULTS, ROOT, Gunicorn
from reader import WRK_AS_READER
from run import ARTICLES, clear_cache, git_revision, machine, parse_wrk, stack_env

SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "180"))
READERS = int(os.environ.get("LOAD_TEST_READERS", "64"))
INTERVAL = float(os.environ.get("LOAD_TEST_INTERVAL", "3"))
DEADLINE = float(os.environ.get("LOAD_TEST_DEADLINE", "1"))
PORT = int(os.environ.get("LOAD_TEST_PORT", "8162"))
WORKERS = 2
STORIES = 200


def main() -> int:
    wrk_bin = processes.ensure_wrk()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = stack_env("postgres")
    before = machine()
    print(f"== load test: {SECONDS} s, {READERS} readers, 2 app servers ==", flush=True)
    seed_report = DATA / "seed-postgres.json"
    processes.run(
        [PYTHON, "bench/seed.py", "--articles", str(ARTICLES), "--report", str(seed_report)],
        env=env,
        timeout=1800,
    )
    processes.run([PYTHON, "bench/editor.py", "cleanup"], env=env, timeout=300)
    processes.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        timeout=600,
    )
    paths = DATA / "load-test-paths.txt"
    processes.run(
        [PYTHON, "bench/editor.py", "paths", "--out", str(paths), "--stories", str(STORIES)],
        env=env,
        timeout=300,
    )
    clear_cache(env)

    editor_out = DATA / "load-test-editor.json"
    editor_out.unlink(missing_ok=True)
    logs = [DATA / f"gunicorn-load-{k}.log" for k in ("a", "b")]
    for log in logs:
        log.write_text("")
    with (
        Gunicorn(port=PORT, env=env, workers=WORKERS, log=logs[0]) as server_a,
        Gunicorn(port=PORT + 1, env=env, workers=WORKERS, log=logs[1]) as server_b,
    ):
        servers = [server_a, server_b]
        distinct = list(dict.fromkeys(paths.read_text().split()))
        warm_started = time.monotonic()
        for path in distinct:  # a live site's pages are in the shared cache already
            processes.http_get(server_a.base + path, timeout=60)
        print(
            f"warmed {len(distinct)} pages in {time.monotonic() - warm_started:.0f} s", flush=True
        )
        wrk_logs = [DATA / f"load-test-wrk-{k}.log" for k in ("a", "b")]
        readers = []
        for server, log in zip(servers, wrk_logs, strict=True):
            log.write_text("")
            readers.append(
                processes.start(
                    [
                        wrk_bin, "-t2", f"-c{READERS // 2}", f"-d{SECONDS}s", "--latency",
                        "--timeout", "30s", *WRK_AS_READER,
                        "-s", str(ROOT / "bench" / "wrk" / "readers.lua"),
                        server.base, "--", str(paths),
                    ],
                    env=dict(os.environ),
                    log=log,
                )
            )  # fmt: skip
        time.sleep(min(10, SECONDS / 10))  # let the readers fill the caches first
        processes.run(
            [
                PYTHON, "bench/editor.py", "run", "--servers", ",".join(s.base for s in servers),
                "--seconds", str(SECONDS - min(10, SECONDS / 10) - 5), "--interval", str(INTERVAL),
                "--deadline", str(DEADLINE), "--out", str(editor_out),
            ],
            env=env,
            timeout=SECONDS + 300,
        )  # fmt: skip
        for reader in readers:
            reader.wait(timeout=SECONDS + 120)
        rss = [size for server in servers for size in server.worker_rss_mb()]
    clear_cache(env)  # leave the shared cache empty, as run.py does

    figures = [parse_wrk(log.read_text()) for log in wrk_logs]
    statuses = [
        json.loads(line.removeprefix("STATUSJSON "))
        for log in wrk_logs
        for line in log.read_text().splitlines()
        if line.startswith("STATUSJSON ")
    ]
    editor = json.loads(editor_out.read_text())
    requests = sum(f["requests"] for f in figures)
    server_errors = sum(log.read_text().count("Traceback") for log in logs)
    readers_summary = {
        "connections": READERS,
        "paths": len(distinct),
        "mix": "home ~8%, sections ~16%, stories ~76% of requests",
        "requests": requests,
        "rps": round(sum(f["rps"] for f in figures), 1),
        # wrk gives each server's percentiles; the worse of the two is reported.
        "p50_ms": max(f["p50_ms"] for f in figures),
        "p99_ms": max(f["p99_ms"] for f in figures),
        "status": {k: sum(s[k] for s in statuses) for k in ("2xx", "3xx", "4xx", "5xx")},
        "status_5xx": sum(s["5xx"] for s in statuses),
        "socket_errors": sum(f["socket_errors"] for f in figures),
        "per_server": figures,
    }
    verdict = {
        "no_5xx": readers_summary["status_5xx"] + editor["status_5xx"] == 0,
        "no_stale": editor["stale_reads_within_deadline"] == 0 and editor["never_showed"] == 0,
        "visible_within_deadline": editor["pages_late"] == 0,
        "no_lost_writes": editor["lost_writes"] == 0 and editor["final_state_disagreements"] == 0,
        "no_stale_when_read_mid_transaction": (
            editor["commit_race_probe"]["servers_stale_2s_after_commit"] == 0
        ),
    }
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": before,
        "articles": ARTICLES,
        "sections": sum(path.startswith("/section/") for path in distinct),
        "seconds": SECONDS,
        "ports": [PORT, PORT + 1],
        "workers_per_server": WORKERS,
        "readers": readers_summary,
        "editor": editor,
        "worker_rss_mb": rss,
        "server_tracebacks": server_errors,
        "verdict": verdict,
    }
    (RESULTS / "load-test.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    report.write()
    print(json.dumps({"verdict": verdict, "readers": readers_summary["status"]}, indent=2))
    return 0 if all(v for k, v in verdict.items() if k != "visible_within_deadline") else 1


if __name__ == "__main__":
    sys.exit(main())
