"""axe-core, from node_modules (package.json pins it), run inside the page under test."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe on the page as it is now; return the violations of the given impacts."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci --ignore-scripts` (make e2e does).")
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """One readable line per violation and element, for the assertion message."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            lines.append(
                f"[{violation['impact']}] {violation['id']}: {violation['help']} — "
                f"{' '.join(node['target'])}: {node.get('failureSummary', '')[:200]}"
            )
    return "\n".join(lines)
