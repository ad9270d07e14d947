"""Layers one way: what import-linter cannot say (pyproject.toml holds the rest)."""

import ast
from pathlib import Path

import articles

APP = Path(articles.__file__).parent


def modules_importing(name: str) -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP).parts
        if parts[0] in {"tests", "migrations"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            imported = []
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            if any(module == name or module.startswith(name + ".") for module in imported):
                found.add("/".join(parts))
    return found


def test_only_the_page_cache_touches_django_caches():
    assert modules_importing("django.core.cache") == {
        "pagecache/pages.py",
        "pagecache/copies.py",
        "pagecache/counters.py",
        "pagecache/fragments.py",
    }


def test_the_domain_models_never_take_a_request_or_call_the_cache():
    for path in (APP / "models").glob("*.py"):
        tree = ast.parse(path.read_text())
        arguments = {
            arg.arg
            for node in ast.walk(tree)
            if isinstance(node, ast.arguments)
            for arg in [*node.args, *node.kwonlyargs]
        }
        assert "request" not in arguments, path.name
        assert "pagecache" not in path.read_text(), path.name
