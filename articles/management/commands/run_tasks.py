"""The embedded default's task worker, `manage.py run_tasks` (`make run` and `make serve` start it).

It is django-tasks-db's `db_worker` under a name that stays the same from one start to the next,
so that a task the previous life of this worker had claimed when it was killed (SIGKILL, a
power cut: nothing that lets it finish) is put back in the queue before the worker takes any
other. A stop it is told about (Ctrl+C, SIGTERM from `make serve` ending) lets the running task
finish first. A task the worker has run is never run again by a restart; one it was running when
killed runs again from the start, so tasks are written to be run twice without harm.
"""

import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def default_worker_id() -> str:
    return f"{socket.gethostname()}-tasks"[:64]


def requeue_orphans(*, worker_id: str) -> int:
    """Put back in the queue what `worker_id` had claimed and never finished: it is not running,
    since the one worker with that name is the one starting now."""
    with transaction.atomic():
        orphans = [
            task
            for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            if task.worker_ids and task.worker_ids[-1] == worker_id
        ]
        for task in orphans:
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
    return len(orphans)


class Command(BaseCommand):
    help = "Run the queued tasks (alerts' delivery) as they come; Ctrl+C stops after the task."

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            default=default_worker_id(),
            help="One name per worker; two workers running at once must have two names.",
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args, worker_id, interval, batch, **options):
        if requeued := requeue_orphans(worker_id=worker_id):
            self.stderr.write(
                f"{requeued} task(s) a killed worker left unfinished are queued again"
            )
        arguments = ["--worker-id", worker_id, "--interval", str(interval), "--no-reload"]
        if batch:
            arguments += ["--batch", "--no-startup-delay"]
        call_command("db_worker", *arguments)
