"""Path converters for the public addresses.

`<id:pk>` matches a row id the database can hold: digits, at most the largest BigAutoField
(2**63 - 1, the same on SQLite and PostgreSQL). A longer number is simply no match, so it
answers 404 like any unknown address, not 500 from the database refusing the value.
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
