"""The live load test: 64 readers follow a live story while the desk posts an entry every 5 s.

    make live-load-test
    .venv/bin/python bench/live_load_test.py

On the embedded default as a small paper runs it (`make serve`: gunicorn with 2 sync workers on
one SQLite file and the diskcache files beside it), on a throwaway demo paper under
bench/.data/live/: bench/live_desk.py opens live coverage on a demo story, then posts an entry
through the live desk's service every LIVE_LOAD_INTERVAL (5) s for LIVE_LOAD_SECONDS (180) s.
Meanwhile LIVE_LOAD_READERS (64) readers, one thread each, do what a reader's browser does: load
the story's page once, then ask its endpoint every `poll_seconds` (as the page's script does)
with If-None-Match, and note when each entry first reaches them. Then wrk measures, one after
the other on the same servers, what a request costs (requests a second with the two workers
busy): a plain cached story page, the live story's page, its endpoint answered 200 and 304.

Then the same readers re-ask a plain cached story's page as often, conditionally, with nothing
posted (LIVE_LOAD_CONTROL_SECONDS, 90): the workers' CPU time per request in the two phases
is what a live reader costs against a plain one, rebuilds after every entry included.

Checks: no 5xx (readers, desk, server logs), every entry seen by every reader within 15 s of its
commit, and the live reader's requests within 2x the cost of a plain cached story page (both by
the CPU per request of the two phases and by wrk's requests a second). Writes
bench/results/live-load-test.json; exits non-zero when a check fails. Stops all it starts.
"""

import http.client
import json
import os
import re
import shutil
import sys
import threading
import time
from datetime import UTC, datetime

import processes
import report
from processes import DATA, PYTHON, RESULTS, Gunicorn
from run import git_revision, machine, parse_wrk
from run import wrk as run_wrk

SECONDS = float(os.environ.get("LIVE_LOAD_SECONDS", "180"))
READERS = int(os.environ.get("LIVE_LOAD_READERS", "64"))
INTERVAL = float(os.environ.get("LIVE_LOAD_INTERVAL", "5"))
DEADLINE = float(os.environ.get("LIVE_LOAD_DEADLINE", "15"))
PORT = int(os.environ.get("LIVE_LOAD_PORT", "8166"))
WRK_SECONDS = int(os.environ.get("LIVE_LOAD_WRK_SECONDS", "15"))
CONTROL_SECONDS = float(os.environ.get("LIVE_LOAD_CONTROL_SECONDS", "90"))
WORKERS = 2
HOME = DATA / "live"


def environment() -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PRODUCTION", "TASKS_BACKEND"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{HOME / 'db.sqlite3'}",
        NEWSROOM_CACHE_DIR=str(HOME / "cache"),
        MEDIA_ROOT=str(HOME / "media"),
        NEWSROOM_SECRET_KEY_FILE=str(HOME / "secret_key"),
        DEBUG="0",
        PRODUCTION="0",
        STATICFILES_MANIFEST="1",
        WHITENOISE_USE_FINDERS="0",
        SERVE_MEDIA="1",
        PYTHONUNBUFFERED="1",
    )
    return env


class Reader(threading.Thread):
    """One reader's browser: the page once, then the endpoint every poll, conditionally."""

    def __init__(self, number: int, *, setup: dict, until: float, plain: bool = False):
        super().__init__(daemon=True)
        self.number, self.setup, self.until = number, setup, until
        # The control: the same reader on a plain cached story, re-asking its page as often,
        # conditionally, so the two phases' costs per request compare like with like.
        self.page = setup["plain_page"] if plain else setup["page"]
        self.endpoint = setup["plain_page"] if plain else setup["endpoint"]
        self.plain = plain
        self.first_seen: dict[int, float] = {}
        self.status: dict[str, int] = {"200": 0, "304": 0, "other": 0, "5xx": 0, "failed": 0}
        self.polls = 0

    def get(self, connection, path: str, headers: dict) -> tuple[int, dict, bytes]:
        connection.request("GET", path, headers={"User-Agent": "live-load-reader", **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()

    def count(self, status: int) -> None:
        key = str(status) if status in (200, 304) else ("5xx" if status >= 500 else "other")
        self.status[key] += 1

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        # Readers arrive over the first poll, not all in the same second.
        time.sleep((self.number / READERS) * 10)
        status, _, body = self.get(connection, self.page, {})
        self.count(status)
        for entry_id in re.findall(rb'data-entry-id="(\d+)"', body):
            self.first_seen.setdefault(int(entry_id), time.time())
        tag, poll_seconds = None, 10.0
        while time.time() < self.until:
            try:
                headers = {"Accept": "application/json", "Cache-Control": "no-cache"}
                if tag:
                    headers["If-None-Match"] = tag
                status, response_headers, body = self.get(connection, self.endpoint, headers)
            except (OSError, http.client.HTTPException):
                self.status["failed"] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                time.sleep(2)
                continue
            now = time.time()
            self.polls += 1
            self.count(status)
            if status == 200 and self.plain:
                tag = response_headers.get("ETag")
            elif status == 200:
                data = json.loads(body)
                poll_seconds = float(data.get("poll_seconds", poll_seconds))
                tag = response_headers.get("ETag")
                for entry in data["entries"]:
                    self.first_seen.setdefault(int(entry["id"]), now)
            time.sleep(poll_seconds)
        connection.close()


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def etag_of(base: str, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", path, headers={"User-Agent": "live-load-reader"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader("ETag")


def main() -> int:
    wrk_bin = processes.ensure_wrk()
    shutil.rmtree(HOME, ignore_errors=True)
    HOME.mkdir(parents=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = environment()
    before = machine()
    print(f"== live load test: {SECONDS:.0f} s, {READERS} readers, an entry every {INTERVAL} s")
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_demo"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        processes.run([PYTHON, "manage.py", *command], env=env, timeout=600)
    setup_file, posts_file = HOME / "setup.json", HOME / "posts.jsonl"
    processes.run(
        [PYTHON, "bench/live_desk.py", "setup", "--out", str(setup_file)], env=env, timeout=300
    )
    setup = json.loads(setup_file.read_text())
    log = HOME / "gunicorn.log"
    with Gunicorn(port=PORT, env=env, workers=WORKERS, log=log) as server:
        until = time.time() + SECONDS + 20
        readers = [Reader(number, setup=setup, until=until) for number in range(READERS)]
        workers = server.worker_pids()
        cpu_before = cpu_seconds(workers)
        for reader in readers:
            reader.start()
        time.sleep(10)  # every reader has the page before the first entry
        processes.run(
            [
                PYTHON, "bench/live_desk.py", "post", "--seconds", str(SECONDS),
                "--interval", str(INTERVAL), "--out", str(posts_file),
            ],
            env=env,
            timeout=SECONDS + 300,
        )  # fmt: skip
        for reader in readers:
            reader.join(timeout=SECONDS + 120)
        cpu_following = cpu_seconds(workers) - cpu_before
        following_requests = sum(sum(r.status.values()) for r in readers)

        print("  the same readers on a plain cached story, nothing posted", flush=True)
        control_until = time.time() + CONTROL_SECONDS + 10
        control = [
            Reader(number, setup=setup, until=control_until, plain=True)
            for number in range(READERS)
        ]
        cpu_before = cpu_seconds(workers)
        for reader in control:
            reader.start()
        for reader in control:
            reader.join(timeout=CONTROL_SECONDS + 120)
        cpu_control = cpu_seconds(workers) - cpu_before
        control_requests = sum(sum(r.status.values()) for r in control)
        control_statuses = {key: sum(r.status[key] for r in control) for key in control[0].status}

        print("  wrk: what one request costs", flush=True)
        tag = etag_of(server.base, setup["endpoint"])
        costs = {
            "plain cached story page": run_wrk(
                wrk_bin, server.base + setup["plain_page"], seconds=WRK_SECONDS
            ),
            "live story page": run_wrk(wrk_bin, server.base + setup["page"], seconds=WRK_SECONDS),
            "live endpoint, 200": run_wrk(
                wrk_bin, server.base + setup["endpoint"], seconds=WRK_SECONDS
            ),
            "live endpoint, 304": wrk_conditional(
                wrk_bin, server.base + setup["endpoint"], tag=tag
            ),
        }
    posts = [json.loads(line) for line in posts_file.read_text().splitlines()]
    lateness = []
    missed = 0
    for post in posts:
        for reader in readers:
            seen = reader.first_seen.get(post["id"])
            if seen is None:
                missed += 1
            else:
                lateness.append(seen - post["at"])
    lateness.sort()
    statuses = {key: sum(r.status[key] for r in readers) for key in readers[0].status}
    plain = costs["plain cached story page"]["rps"]
    cost_ratios = {name: round(plain / figures["rps"], 2) for name, figures in costs.items()}
    tracebacks = log.read_text().count("Traceback")
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": before,
        "stack": "embedded default: gunicorn, 2 sync workers, SQLite + diskcache, DEBUG=0",
        "seconds": SECONDS,
        "readers": READERS,
        "entry_interval_seconds": INTERVAL,
        "entries_posted": len(posts),
        "reader_requests": statuses,
        "reader_polls": sum(r.polls for r in readers),
        "worker_cpu_ms_per_reader_request": round(
            1000 * cpu_following / max(following_requests, 1), 3
        ),
        "control_seconds": CONTROL_SECONDS,
        "control_requests": control_statuses,
        "worker_cpu_ms_per_control_request": round(
            1000 * cpu_control / max(control_requests, 1), 3
        ),
        "following_cost_ratio_to_control": round(
            (cpu_following / max(following_requests, 1)) / (cpu_control / max(control_requests, 1)),
            2,
        ),
        "seen_after_commit_s": {
            "p50": round(lateness[len(lateness) // 2], 2) if lateness else None,
            "p99": round(lateness[int(len(lateness) * 0.99)], 2) if lateness else None,
            "max": round(lateness[-1], 2) if lateness else None,
        },
        "entry_reader_pairs": len(posts) * READERS,
        "missed_or_late": missed + sum(1 for value in lateness if value > DEADLINE),
        "cost": {
            name: {key: figures[key] for key in ("rps", "p50_ms", "p99_ms", "requests")}
            | {"non_2xx_3xx": figures["non_2xx_3xx"]}
            for name, figures in costs.items()
        },
        "cost_ratio_to_plain_page": cost_ratios,
        "server_tracebacks": tracebacks,
    }
    result["verdict"] = {
        "no_5xx": statuses["5xx"] == 0
        and tracebacks == 0
        and all(figures["non_2xx_3xx"] == 0 for figures in costs.values()),
        "every_entry_seen_by_every_reader_within_15_s": result["missed_or_late"] == 0,
        "reader_requests_within_2x_of_a_plain_cached_page": all(
            ratio <= 2 for name, ratio in cost_ratios.items() if name != "plain cached story page"
        )
        and result["following_cost_ratio_to_control"] <= 2,
    }
    (RESULTS / "live-load-test.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    report.write()
    print(json.dumps({k: result[k] for k in ("verdict", "seen_after_commit_s")}, indent=2))
    print(json.dumps(result["cost_ratio_to_plain_page"], ensure_ascii=False, indent=2))
    return 0 if all(result["verdict"].values()) else 1


def wrk_conditional(wrk_bin: str, url: str, *, tag: str) -> dict:
    """wrk with the reader's If-None-Match: what an unchanged coverage costs (304s)."""
    script = processes.ROOT / "bench" / "wrk" / "report.lua"
    out = processes.run(
        [
            wrk_bin, "-t2", "-c16", f"-d{WRK_SECONDS}s", "--latency", "--timeout", "30s",
            "-H", "User-Agent: live-load-reader", "-H", f"If-None-Match: {tag}",
            "-s", str(script), url,
        ],
        env=dict(os.environ),
        timeout=WRK_SECONDS + 60,
        capture=True,
    )  # fmt: skip
    return parse_wrk(out)


if __name__ == "__main__":
    sys.exit(main())
