"""A task the queue's tests enqueue: it writes one line per run to a file, and can be told to
wait for a second file first, so a test can stop or kill the worker while the task runs."""

import time
from pathlib import Path

from django_tasks import task


@task()
def write_line(*, path: str, line: str, wait_for: str = "") -> str:
    if wait_for:
        Path(path).with_suffix(".started").write_text(line)
        while not Path(wait_for).exists():
            time.sleep(0.05)
    with open(path, "a", encoding="utf-8") as lines:
        lines.write(line + "\n")
    return line
