"""Path converters for the public addresses: a value the database cannot take is no address.

`<id:pk>` matches a row id the database can hold: digits, at most the largest BigAutoField
(2**63 - 1, the same on SQLite and PostgreSQL). `<uslug:slug>` matches what a slug can be
(Unicode letters, digits, `_` and `-`, as `arabic_slugify` and the admin's slug fields allow),
so a NUL byte, which PostgreSQL refuses in any text, or a control character never reaches a
query. Anything else simply does not match, and answers 404 like any unknown address, not 500.
"""

MAX_ID = 2**63 - 1


def parse_id(value: str) -> int | None:
    """`value` as a row id, or None if it is not one (not plain ASCII digits, or too large)."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


class RowIdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"not a row id: {value[:30]!r}")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class UnicodeSlugConverter:
    """Django's `slug` converter is ASCII only; our slugs are Arabic."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
