"""axe-core, from node_modules (package.json pins it), run inside the page under test."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe on the page as it is now; return the violations of the given impacts."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci --ignore-scripts` (make e2e does).")
    _inject_axe(page)
    results = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def _inject_axe(page) -> None:
    """Put axe into the page as the browser's tools do, not as a <script> element.

    The site's Content-Security-Policy (script-src 'self', no inline code) refuses the inline
    <script> that `page.add_script_tag` would insert, and it must keep refusing it. Code run
    through the DevTools protocol (`page.evaluate`) is not page content, so the policy under
    test stays exactly as readers get it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"{AXE_JS.read_text(encoding='utf-8')}\n;undefined")


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
