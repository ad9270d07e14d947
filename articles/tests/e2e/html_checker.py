"""The Nu HTML Checker (npm package vnu-jar, pinned in package.json), run with Java."""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

VNU_JAR = (
    Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def nu_html_errors(documents: dict[str, str], folder: Path) -> dict[str, list[dict]]:
    """Check each named HTML document; return the checker's errors per name (empty: valid).

    One Java start checks them all: each document is written to `folder` as `<name>.html`.
    """
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("No java: install it with `apt-get install -y default-jre-headless`.")
    if not VNU_JAR.exists():
        raise RuntimeError(f"{VNU_JAR} is missing: run `npm ci --ignore-scripts` (make e2e does).")
    paths = {}
    for name, html in documents.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(html, encoding="utf-8")
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    completed = subprocess.run(
        [*command, *map(str, paths.values())],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # The checker prints its JSON report on stderr and exits 1 when it found an error.
    report = json.loads(completed.stderr or completed.stdout)
    errors = {name: [] for name in documents}
    by_path = {path.resolve(): name for name, path in paths.items()}
    for message in report["messages"]:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        # The checker names files as "file:/abs/path.html".
        url = unquote(message.get("url", "")).removeprefix("file:")
        name = by_path.get(Path(url).resolve(), "?") if url else "?"
        errors.setdefault(name, []).append(message)
    return errors


def describe(errors: dict[str, list[dict]]) -> str:
    return "\n".join(
        f"{name}:{message.get('lastLine', '?')}: {message['message']} «{message.get('extract')}»"
        for name, messages in errors.items()
        for message in messages
    )
