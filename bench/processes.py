"""Starting and always stopping what the benchmark runs: gunicorn servers, helper scripts, wrk.

Standard library only. Every process started here is registered and stopped on exit, on error
and on SIGINT/SIGTERM, by its own process group id (each is started in a new session).
"""

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
VENV_BIN = Path(os.environ.get("BENCH_VENV_BIN", ROOT / ".venv" / "bin"))
PYTHON = str(VENV_BIN / "python")
GUNICORN = str(VENV_BIN / "gunicorn")
HOST = "127.0.0.1"

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
FULL_SIZE = 100_000
# One database per seed size, so a quick run on a small seed keeps the full one.
_SIZE_SUFFIX = "" if ARTICLES == FULL_SIZE else f"_{ARTICLES}"
PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/newsroom_bench{_SIZE_SUFFIX}"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SQLITE_URL = f"sqlite:///{DATA / f'bench{_SIZE_SUFFIX}.sqlite3'}"

_running: list[subprocess.Popen] = []


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)
    if process in _running:
        _running.remove(process)


def stop_all() -> None:
    for process in list(reversed(_running)):
        stop(process)


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def start(args: list[str], *, env: dict, log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 -- closed by the child
    process = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    if log:
        out.close()
    _running.append(process)
    return process


def run(args: list[str], *, env: dict, timeout: float, capture: bool = False) -> str:
    """Run to completion (stopped at `timeout`); raise with its output if it fails."""
    process = subprocess.Popen(
        args,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        start_new_session=True,
        text=True,
    )
    _running.append(process)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process, grace=3)
        raise RuntimeError(f"timed out after {timeout} s: {' '.join(args)}") from None
    finally:
        if process in _running:
            _running.remove(process)
    if process.returncode != 0:
        raise RuntimeError(f"exit {process.returncode}: {' '.join(args)}\n{out or ''}")
    return out or ""


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Gunicorn:
    """One app server: gunicorn with sync workers on a loopback port, stopped on leaving."""

    def __init__(self, *, port: int, env: dict, workers: int = 2, log: Path):
        self.port, self.env, self.workers, self.log = port, env, workers, log
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self):
        if not port_is_free(self.port):
            raise RuntimeError(f"port {self.port} is taken; set BENCH_PORT to another 816x port")
        self.process = start(
            [
                GUNICORN, "newsroom.wsgi",
                "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers),
                "--worker-class", "sync",
                "--timeout", "60",
                "--error-logfile", "-",
                "--no-control-socket",
            ],
            env=self.env,
            log=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log}")
            try:
                status, _ = http_get(self.base + "/", timeout=10)
                if status < 500 and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer; see {self.log}")

    def __exit__(self, *exc):
        if self.process is not None:
            stop(self.process)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    children.append(int(stat.parent.name))
        return sorted(children)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes


def ensure_wrk() -> str:
    """wrk from Debian; installed when missing and we may (root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False).returncode:
            subprocess.run(["apt-get", "update"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed (Debian: apt-get install wrk)")
    return found
