"""What a reader may ask of search besides the words: the order and a range of days.

All of it comes as GET parameters (`sort`, `from`, `to`), so a results page is an address a
reader can share and the pagination links keep it. A value that cannot be used is left out of
the search and named in an Arabic message beside the form, the value still in its box.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import pgettext_lazy

from articles.search import Order

# The days a range may name: the archive's, with room to spare (a date input accepts year 1
# and year 275760, which the database's clock cannot hold).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
DAY_FORMAT = "%Y-%m-%d"  # what <input type="date"> sends
# How much of an unusable value its message repeats.
QUOTED_LENGTH = 40


class DayInput(forms.DateInput):
    """<input type="date">, holding a value only when it is a day: HTML allows no other, and
    the message beside the form repeats what the reader sent."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                datetime.strptime(value, DAY_FORMAT)  # noqa: DTZ007 - a day, no time
            except ValueError:
                return None
        return super().format_value(value)


@dataclass(frozen=True)
class Filters:
    order: Order = Order.RELEVANCE
    since: date | None = None
    until: date | None = None


def _day_field(label) -> forms.DateField:
    out_of_range = pgettext_lazy("search", "Choose a day between 1900 and 2100.")
    return forms.DateField(
        label=label,
        required=False,
        input_formats=[DAY_FORMAT],
        error_messages={
            "invalid": pgettext_lazy("search", "Write the day as year-month-day, e.g. 2026-03-01.")
        },
        validators=[
            MinValueValidator(FIRST_DAY, message=out_of_range),
            MaxValueValidator(LAST_DAY, message=out_of_range),
        ],
        widget=DayInput(
            format=DAY_FORMAT, attrs={"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
        ),
    )


class SearchFiltersForm(forms.Form):
    """The order and the days of a search; every field optional, none ever refuses the search."""

    sort = forms.TypedChoiceField(
        label=pgettext_lazy("search", "Order"),
        required=False,
        choices=[
            (Order.RELEVANCE, pgettext_lazy("search", "Best match")),
            (Order.NEWEST, pgettext_lazy("search", "Newest first")),
        ],
        coerce=Order,
        empty_value=Order.RELEVANCE,
        error_messages={
            "invalid_choice": pgettext_lazy("search", "Unknown order; the best matches come first.")
        },
        widget=forms.Select,
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("from"), cleaned.get("to")
        if since and until and since > until:
            # Typed the wrong way round: the reader means the days between them.
            cleaned["from"], cleaned["to"] = until, since
            self.add_error(
                None,
                pgettext_lazy("search", "The first day came after the last; they were swapped."),
            )
        return cleaned

    def filters(self) -> Filters:
        """What may be used of the reader's choices (call after `is_valid`)."""
        cleaned = self.cleaned_data
        return Filters(
            order=cleaned.get("sort") or Order.RELEVANCE,
            since=cleaned.get("from"),
            until=cleaned.get("to"),
        )

    @property
    def messages(self) -> list[str]:
        """Every problem with the reader's choices, in Arabic, each after the name of its box
        and what the reader sent there."""
        return [
            f"{self._named(name)}{message}" if name in self.fields else message
            for name, errors in self.errors.items()
            for message in errors
        ]

    def _named(self, name: str) -> str:
        sent = "".join(c for c in str(self.data.get(name, "")) if c.isprintable())
        sent = sent[:QUOTED_LENGTH]
        return f"{self.fields[name].label} «{sent}»: " if sent else f"{self.fields[name].label}: "


# `from` and `to` are Python keywords: the address names the days as a reader would.
SearchFiltersForm.base_fields["from"] = _day_field(pgettext_lazy("search", "From"))
SearchFiltersForm.base_fields["to"] = _day_field(pgettext_lazy("search", "To"))
