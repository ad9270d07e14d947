"""The public stylesheet, read as a browser reads it (tinycss2): every variable it uses is
defined, and no rule is written twice where one would silently override the other."""

from collections import Counter
from pathlib import Path

import tinycss2

SITE_CSS = Path(__file__).resolve().parents[1] / "static" / "articles" / "site.css"


def _rules(nodes, media=""):
    """(media condition, selector, declarations) of every qualified rule, inside @media too."""
    for node in nodes:
        if node.type == "qualified-rule":
            yield media, tinycss2.serialize(node.prelude).strip(), node.content
        elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content:
            condition = tinycss2.serialize(node.prelude).strip()
            yield from _rules(tinycss2.parse_rule_list(node.content), condition)


def _stylesheet():
    return tinycss2.parse_stylesheet(
        SITE_CSS.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )


def _tokens(nodes):
    for node in nodes:
        yield node
        if getattr(node, "content", None) and not isinstance(node.content, str):
            yield from _tokens(node.content)
        if getattr(node, "arguments", None):
            yield from _tokens(node.arguments)


def test_every_css_variable_the_site_uses_is_defined():
    defined, used = set(), set()
    for _media, _selector, content in _rules(_stylesheet()):
        for declaration in tinycss2.parse_declaration_list(
            content, skip_comments=True, skip_whitespace=True
        ):
            if declaration.type != "declaration":
                continue
            if declaration.name.startswith("--"):
                defined.add(declaration.name)
            for token in _tokens(declaration.value):
                if token.type == "function" and token.lower_name == "var":
                    used.add(tinycss2.serialize(token.arguments).split(",")[0].strip())
    assert used, "the stylesheet reads no variable: the test read it wrong"
    assert used <= defined, f"used but never defined: {sorted(used - defined)}"


def test_no_rule_of_the_stylesheet_is_written_twice():
    written = Counter((media, selector) for media, selector, _content in _rules(_stylesheet()))
    twice = [f"{selector} ({media or 'all'})" for (media, selector), n in written.items() if n > 1]
    assert not twice, f"written more than once: {twice}"
