"""Work that runs after the response goes through the task queue (Django's tasks interface, the
database queue on the embedded default): a task exists only if the transaction that enqueued it
commits, runs once, and survives its worker being stopped or killed.

The first tests run the worker in this process (`run_tasks --batch`); the last ones are real
`manage.py run_tasks` processes on a temporary SQLite file, stopped and killed by their pid.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.management.commands.run_tasks import requeue_orphans
from articles.tests.queue_probe import write_line
from articles.tests.test_crash_recovery import environment, manage

PROJECT = Path(__file__).resolve().parents[2]


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_by_a_transaction_that_rolls_back_never_runs(tmp_path):
    out = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), transaction.atomic():
        write_line.enqueue(path=str(out), line="لم يحدث")
        raise RuntimeError("the save was refused")
    call_command("run_tasks", "--batch", verbosity=0)
    assert not DBTaskResult.objects.exists()
    assert lines(out) == []


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_runs_once_whoever_runs_the_worker_after(tmp_path):
    out = tmp_path / "out.txt"
    with transaction.atomic():
        result = write_line.enqueue(path=str(out), line="أرسل")
    assert lines(out) == []  # nothing ran in the request
    call_command("run_tasks", "--batch", verbosity=0)
    call_command("run_tasks", "--batch", "--worker-id", "another-worker", verbosity=0)
    assert lines(out) == ["أرسل"]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "أرسل"


@pytest.mark.django_db(transaction=True)
def test_only_the_tasks_the_restarting_worker_had_claimed_are_queued_again(tmp_path):
    out = tmp_path / "out.txt"
    mine = write_line.enqueue(path=str(out), line="من العامل نفسه")
    other = write_line.enqueue(path=str(out), line="من عامل آخر يعمل الآن")
    for result, worker in ((mine, "this-host-tasks"), (other, "other-host-tasks")):
        DBTaskResult.objects.filter(id=result.id).update(
            status=TaskResultStatus.RUNNING, worker_ids=[worker]
        )
    assert requeue_orphans(worker_id="this-host-tasks") == 1
    call_command("run_tasks", "--batch", "--worker-id", "this-host-tasks", verbosity=0)
    assert lines(out) == ["من العامل نفسه"]
    other.refresh()
    assert other.status == TaskResultStatus.RUNNING  # still its own worker's


# Real worker processes.

ENQUEUE = """
from articles.tests.queue_probe import write_line
print(write_line.enqueue(path=OUT, line=LINE, wait_for=GATE).id)
"""


@pytest.fixture
def queue_site(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = environment(database, tmp_path / "media")
    manage("migrate", "--noinput", env=env)
    return env


def enqueue(env, *, out: Path, line: str, gate: Path) -> str:
    script = f"OUT, LINE, GATE = {str(out)!r}, {line!r}, {str(gate)!r}\n{ENQUEUE}"
    return manage("shell", "-c", script, env=env).stdout.strip().splitlines()[-1]


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_tasks", "--worker-id", "test-host-tasks"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, *, what: str, seconds: float = 60) -> None:
    # A bound on a stuck worker, not a measurement.
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.05)


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> str:
    if worker.poll() is None:
        os.kill(worker.pid, sig)
    try:
        _, errors = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
    return errors


@pytest.mark.multiprocess
def test_a_task_whose_worker_is_killed_while_it_runs_runs_again_when_the_worker_restarts(
    queue_site, tmp_path
):
    out, gate = tmp_path / "out.txt", tmp_path / "gate"
    enqueue(queue_site, out=out, line="تنبيه عاجل", gate=gate)
    worker = start_worker(queue_site)
    try:
        wait_for(out.with_suffix(".started").exists, what="the task to start")
    finally:
        stop(worker, signal.SIGKILL)  # no chance to finish or to record anything
    assert lines(out) == []

    gate.touch()
    worker = start_worker(queue_site)
    try:
        wait_for(lambda: lines(out), what="the task to run again")
    finally:
        errors = stop(worker)
    assert lines(out) == ["تنبيه عاجل"]
    assert "queued again" in errors


@pytest.mark.multiprocess
def test_a_worker_told_to_stop_finishes_its_task_and_the_next_start_takes_the_rest(
    queue_site, tmp_path
):
    out, gate = tmp_path / "out.txt", tmp_path / "gate"
    enqueue(queue_site, out=out, line="الأول", gate=gate)
    enqueue(queue_site, out=out, line="الثاني", gate=gate)
    worker = start_worker(queue_site)
    try:
        wait_for(out.with_suffix(".started").exists, what="the first task to start")
        os.kill(worker.pid, signal.SIGTERM)  # as `make serve` ending does
        time.sleep(0.5)
        assert worker.poll() is None  # still finishing the task it runs
        gate.touch()
        worker.wait(timeout=60)
    finally:
        stop(worker)
    assert lines(out) == ["الأول"]  # finished, and took nothing more

    worker = start_worker(queue_site)
    try:
        wait_for(lambda: len(lines(out)) == 2, what="the second task")
    finally:
        stop(worker)
    assert lines(out) == ["الأول", "الثاني"]


@pytest.mark.multiserver
def test_on_a_deployment_with_redis_the_same_task_goes_through_rq(queue_site, tmp_path):
    env = {**queue_site, "TASKS_BACKEND": "rq", "REDIS_URL": "redis://127.0.0.1:6379/11"}
    manage("shell", "-c", "import django_rq; django_rq.get_queue('default').empty()", env=env)
    out = tmp_path / "out.txt"
    with_gate = tmp_path / "gate"
    with_gate.touch()
    enqueue(env, out=out, line="عبر ريديس", gate=with_gate)
    assert lines(out) == []
    # What README's Production section runs, with --burst: run what is queued, then stop.
    manage("rqworker", "--job-class", "django_tasks_rq.Job", "--burst", "default", env=env)
    assert lines(out) == ["عبر ريديس"]


def test_a_misspelt_task_backend_stops_the_start_with_its_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**os.environ, "TASKS_BACKEND": "celery"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TASKS_BACKEND is one of database, rq, immediate, not 'celery'" in result.stderr
