"""What the desk sees first on the admin's front page: the queues, and a chart of what went out.

The chart is plain SVG drawn on the server (no script, no library, nothing from another host):
`publishing_counts()` counts, `publishing_chart()` lays the bars out, and the template
`admin/articles/dashboard_chart.html` draws them, with a table of the same numbers.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, ArticleTransition, LiveEntry
from articles.models.live import PUBLISH_LIVE_ENTRY

Status = Article.Status
QUEUE_LENGTH = 15


def start_of_today(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def desk_queues(*, user) -> dict:
    """My drafts, stories waiting for review, the scheduling queue and today's published."""
    articles = Article.objects.select_related("section")
    last_note = ArticleTransition.objects.filter(article=OuterRef("pk")).order_by("-at", "-pk")
    my_drafts = (
        articles.owned_by(user)
        .filter(status=Status.DRAFT)
        .annotate(
            last_move_to=Subquery(last_note.values("to_status")[:1]),
            last_note=Subquery(last_note.values("comment")[:1]),
        )
        .order_by("-updated_at")
    )
    in_review = articles.filter(status=Status.REVIEW).order_by("updated_at")
    if not user.has_perm("articles.edit_others_article"):
        in_review = in_review.owned_by(user)
    # Live entries reporters sent to the desk: for those who may publish them, else one's own.
    live_in_review = LiveEntry.objects.filter(state=LiveEntry.State.REVIEW).select_related(
        "article"
    )
    if not user.has_perm(PUBLISH_LIVE_ENTRY):
        live_in_review = live_in_review.filter(created_by=user)
    return {
        "live_in_review": list(
            live_in_review.only("id", "created_at", "article__id", "article__headline").order_by(
                "created_at"
            )[:QUEUE_LENGTH]
        ),
        "my_drafts": list(my_drafts[:QUEUE_LENGTH]),
        "in_review": list(in_review[:QUEUE_LENGTH]),
        "scheduled": list(articles.scheduled()[:QUEUE_LENGTH]),
        "published_today": list(
            articles.published()
            .filter(published_at__gte=start_of_today())
            .order_by("-published_at")[:QUEUE_LENGTH]
        ),
    }


# The chart of what the paper published: per day over the last 30 days, and per section ---------

CHART_DAYS = 30


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class SectionCount:
    name: str
    count: int


@dataclass(frozen=True)
class PublishingCounts:
    days: list[DayCount]  # oldest first, one entry per calendar day, zeros included
    sections: list[SectionCount]  # most stories first; sections that published nothing left out

    @property
    def total(self) -> int:
        return sum(day.count for day in self.days)


def publishing_counts(*, days: int = CHART_DAYS) -> PublishingCounts:
    """Stories readers can see that went out in the last `days` days (today included), counted
    per local calendar day and per section. Two queries, whatever the amount of content."""
    since = start_of_today() - timedelta(days=days - 1)
    window = Article.objects.published().filter(published_at__gte=since).order_by()
    per_day = dict(
        window.annotate(day=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    per_section = (
        window.values("section__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "section__name")
        .values_list("section__name", "count")
    )
    first = since.date()
    return PublishingCounts(
        days=[
            DayCount(day, per_day.get(day, 0))
            for day in (first + timedelta(days=offset) for offset in range(days))
        ],
        sections=[SectionCount(name, count) for name, count in per_section],
    )


# Laying the chart out. Coordinates are in the SVG's own units (its viewBox); the drawing scales
# to the width of the page. Time runs right to left, as Arabic reads: the oldest day is on the
# right, today on the left, and the scale of numbers stands on the right.

CHART_WIDTH = 720
DAYS_HEIGHT = 220
DAYS_PLOT = {"top": 12, "bottom": 190, "left": 8, "right": 684}
SECTION_ROW = 28
SECTION_LABEL_WIDTH = 190  # the section names, on the right
SECTION_BAR_SPACE = 460  # the longest bar; its count is written past its end


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str  # the day or the section, as the desk reads it
    text_x: float = 0  # where a section bar writes its count: just past its end
    text_y: float = 0  # the middle of the bar, for the texts beside it


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True)
class DayLabel:
    x: float
    text: str


def scale_top(largest: int) -> tuple[int, int]:
    """A round top for the scale and the step between gridlines: 1, 2 or 5 times a power of ten,
    at most four steps. (3 → 3 by 1; 27 → 30 by 10; 0 → 1 by 1.)"""
    if largest <= 0:
        return 1, 1
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(largest / step), step


def count_phrase(count: int) -> str:
    """«لا أخبار», «خبر واحد», «خبران», «3 أخبار», «11 خبرًا», «100 خبر»: Arabic counts nouns."""
    if count == 0:
        return "لا أخبار"
    if count == 1:
        return "خبر واحد"
    if count == 2:
        return "خبران"
    if 3 <= count % 100 <= 10:
        return f"{count} أخبار"
    if 11 <= count % 100 <= 99:
        return f"{count} خبرًا"
    return f"{count} خبر"


def publishing_chart(counts: PublishingCounts) -> dict:
    """Everything the template draws, computed here so that the drawing is just attributes."""
    top, step = scale_top(max((day.count for day in counts.days), default=0))
    plot_height = DAYS_PLOT["bottom"] - DAYS_PLOT["top"]
    slot = (DAYS_PLOT["right"] - DAYS_PLOT["left"]) / len(counts.days)
    bar_width = slot * 0.7
    day_bars, day_labels = [], []
    for index, day in enumerate(counts.days):
        height = plot_height * day.count / top
        slot_right = DAYS_PLOT["right"] - index * slot
        x = slot_right - (slot + bar_width) / 2
        label = date_format(day.day, "l j F")
        day_bars.append(
            Bar(
                round(x, 2),
                round(DAYS_PLOT["bottom"] - height, 2),
                round(bar_width, 2),
                round(height, 2),
                day.count,
                label,
            )
        )
        # A date under today and under every seventh day before it.
        if (len(counts.days) - 1 - index) % 7 == 0:
            day_labels.append(DayLabel(round(x + bar_width / 2, 2), date_format(day.day, "j F")))
    gridlines = [
        Gridline(round(DAYS_PLOT["bottom"] - plot_height * value / top, 2), value)
        for value in range(0, top + 1, step)
    ]

    largest_section = max((section.count for section in counts.sections), default=0) or 1
    section_bars = []
    for row, section in enumerate(counts.sections):
        length = SECTION_BAR_SPACE * section.count / largest_section
        x = round(CHART_WIDTH - SECTION_LABEL_WIDTH - length, 2)
        y = row * SECTION_ROW + 6
        height = SECTION_ROW - 12
        section_bars.append(
            Bar(x, y, round(length, 2), height, section.count, section.name, x - 6, y + height / 2)
        )
    return {
        "counts": counts,
        "width": CHART_WIDTH,
        "days_height": DAYS_HEIGHT,
        "plot": DAYS_PLOT,
        "day_bars": day_bars,
        "day_labels": day_labels,
        "gridlines": gridlines,
        "scale_x": DAYS_PLOT["right"] + 6,
        "day_label_y": DAYS_HEIGHT - 8,
        "section_bars": section_bars,
        "sections_height": max(len(section_bars), 1) * SECTION_ROW,
        "section_label_x": CHART_WIDTH - 4,
        "days_description": days_description(counts),
    }


def days_description(counts: PublishingCounts) -> str:
    """The chart in one sentence, for screen readers (the table beside it has every number)."""
    period = (
        f"بين {date_format(counts.days[0].day, 'j F')} و{date_format(counts.days[-1].day, 'j F Y')}"
    )
    if not counts.total:
        return f"لم يُنشر أي خبر {period}."
    busiest = max(counts.days, key=lambda day: (day.count, day.day))
    return (
        f"نُشر {count_phrase(counts.total)} {period}؛ أكثر الأيام "
        f"{date_format(busiest.day, 'l j F')}: {count_phrase(busiest.count)}."
    )
