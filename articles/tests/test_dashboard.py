"""The admin's front page is the desk's dashboard, with the app list kept below."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.admin import dashboard
from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def section_of(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</div>", start)]


def test_dashboard_shows_my_drafts_review_queue_schedule_and_todays_stories(
    client_of, desk_editor, reporter, section, masthead
):
    mine = ArticleFactory(section=section, draft=True, authors=[desk_editor.editor_profile])
    someone_elses = ArticleFactory(section=section, draft=True, headline="مسودة غيري")
    waiting = ArticleFactory(section=section, in_review=True, headline="ينتظر المراجعة")
    at = timezone.now() + timedelta(hours=3)
    queued = ArticleFactory(section=section, scheduled=True, published_at=at, headline="مجدول")
    today = ArticleFactory(section=section, published_at=timezone.now() - timedelta(minutes=5))
    old = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=3))

    response = client_of(desk_editor).get(reverse("admin:index"))
    html = response.content.decode()
    drafts = section_of(html, "queue-my-drafts")
    assert mine.headline in drafts and someone_elses.headline not in drafts
    assert reverse("admin:articles_article_change", args=[mine.pk]) in drafts
    assert waiting.headline in section_of(html, "queue-review")
    scheduled = section_of(html, "queue-scheduled")
    assert queued.headline in scheduled
    assert timezone.localtime(at).strftime("%H:%M") in scheduled
    published = section_of(html, "queue-published-today")
    assert today.headline in published and old.headline not in published
    assert 'id="content-main"' in html and "app-articles" in html  # the app list stays


def test_reporter_sees_why_her_story_came_back(client_of, reporter, desk_editor, reporters_draft):
    workflow.article_submit(article=reporters_draft, by=reporter)
    workflow.article_send_back(article=reporters_draft, by=desk_editor, comment="أضيفي المصدر")
    html = client_of(reporter).get(reverse("admin:index")).content.decode()
    assert "أُعيد إليك: «أضيفي المصدر»" in section_of(html, "queue-my-drafts")


def test_reporter_review_queue_lists_only_her_own_stories(client_of, reporter, section, masthead):
    ArticleFactory(
        section=section, in_review=True, authors=[reporter.editor_profile], headline="لي"
    )
    ArticleFactory(section=section, in_review=True, headline="لغيري")
    review = section_of(
        client_of(reporter).get(reverse("admin:index")).content.decode(), "queue-review"
    )
    assert "لي" in review and "لغيري" not in review


# The chart of what went out -------------------------------------------------------------------

# A fixed afternoon in Cairo; stories go out at local noon, `days_ago` days before it.
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=timezone.get_fixed_timezone(120))


def noon(days_ago: int) -> datetime:
    return NOW.replace(hour=12) - timedelta(days=days_ago)


@pytest.fixture
def newsroom_month(time_machine, masthead):
    """Stories over the month, per section, and what must not be counted beside them."""
    time_machine.move_to(NOW, tick=False)
    politics, economy, sport = (SectionFactory(name=n) for n in ["سياسة", "اقتصاد", "رياضة"])
    published = {0: [politics, politics, economy], 1: [sport], 6: [politics], 29: [economy]}
    for days_ago, sections in published.items():
        for section in sections:
            ArticleFactory(section=section, published_at=noon(days_ago))
    # Not counted: older than the window, drafts, in review, scheduled, withdrawn.
    ArticleFactory(section=sport, published_at=noon(30))
    ArticleFactory(section=sport, draft=True)
    ArticleFactory(section=sport, in_review=True)
    ArticleFactory(section=sport, scheduled=True, published_at=NOW + timedelta(hours=2))
    ArticleFactory(section=sport, withdrawn=True, published_at=noon(2))
    return {days_ago: len(sections) for days_ago, sections in published.items()}


def test_chart_counts_stories_readers_can_see_per_day_and_per_section(newsroom_month):
    counts = dashboard.publishing_counts()

    assert len(counts.days) == dashboard.CHART_DAYS
    today = timezone.localdate()
    assert [day.day for day in counts.days] == [
        today - timedelta(days=back) for back in range(dashboard.CHART_DAYS - 1, -1, -1)
    ]
    by_day = {(today - day.day).days: day.count for day in counts.days if day.count}
    assert by_day == newsroom_month
    assert counts.total == sum(newsroom_month.values())
    assert [(s.name, s.count) for s in counts.sections] == [
        ("سياسة", 3),
        ("اقتصاد", 2),
        ("رياضة", 1),
    ]


def test_chart_in_the_dashboard_draws_the_counts_with_a_table_of_the_same_numbers(
    client_of, desk_editor, newsroom_month
):
    html = client_of(desk_editor).get(reverse("admin:index")).content.decode()
    chart = html[html.index('id="publishing-chart"') :]
    days_svg, sections_svg = re.findall(r"<svg.*?</svg>", chart, flags=re.S)[:2]

    # One bar per day, right to left from the oldest: its height is its share of the scale.
    bars = [
        {
            name: float(value)
            for name, value in re.findall(r'(x|height|data-count)="([\d.]+)"', rect)
        }
        for rect in re.findall(r"<rect [^>]*>", days_svg)
    ]
    counts = [int(bar["data-count"]) for bar in bars]
    assert counts == [day.count for day in dashboard.publishing_counts().days]
    assert counts[-1] == newsroom_month[0] and counts[-2] == newsroom_month[1]
    assert bars[0]["x"] > bars[-1]["x"], "the oldest day must be on the right"
    scale_top = max(int(v) for v in re.findall(r'text-anchor="start">(\d+)</text>', days_svg))
    plot_height = dashboard.DAYS_PLOT["bottom"] - dashboard.DAYS_PLOT["top"]
    for bar in bars:
        assert bar["height"] == pytest.approx(plot_height * bar["data-count"] / scale_top, abs=0.01)
    assert scale_top >= max(counts)

    # The same numbers in the table, newest day first.
    table = re.findall(r'<time datetime="([\d-]+)">.*?</time></th><td>(\d+)</td>', chart)
    assert [int(n) for _, n in table] == counts[::-1]
    assert table[0][0] == timezone.localdate().isoformat()

    # Sections: the longest bar for the busiest section, the others in proportion.
    section_bars = re.findall(r'<rect [^>]*width="([\d.]+)"[^>]*data-count="(\d+)"', sections_svg)
    assert [int(n) for _, n in section_bars] == [3, 2, 1]
    longest = float(section_bars[0][0])
    assert longest == dashboard.SECTION_BAR_SPACE
    assert [float(w) for w, _ in section_bars] == pytest.approx(
        [longest, longest * 2 / 3, longest / 3], abs=0.01
    )

    # Accessible: each drawing is a named image with a description saying what it shows.
    assert 'role="img"' in days_svg and "<title" in days_svg
    assert "نُشر 6 أخبار بين" in days_svg
    assert "سياسة: 3، اقتصاد: 2، رياضة: 1." in sections_svg


def test_chart_costs_the_same_queries_for_a_quiet_and_a_busy_month(
    client_of, desk_editor, masthead, time_machine
):
    time_machine.move_to(NOW, tick=False)
    client = client_of(desk_editor)

    def dashboard_queries() -> int:
        empty_every_cache()  # the masthead comes from the cache once read: count from scratch
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    ArticleFactory(published_at=noon(3))
    quiet = dashboard_queries()
    for days_ago in range(25):
        ArticleFactory.create_batch(2, section=SectionFactory(), published_at=noon(days_ago))
    assert dashboard_queries() == quiet


def test_chart_of_a_month_with_nothing_published_says_so(client_of, desk_editor, masthead):
    html = client_of(desk_editor).get(reverse("admin:index")).content.decode()
    assert "لم يُنشر أي خبر بين" in html
    assert "لم يُنشر أي خبر في هذه المدة." in html


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (3, 3, 1), (4, 4, 1), (7, 8, 2), (27, 30, 10), (130, 150, 50)],
)
def test_chart_scale_ends_on_a_round_number_just_above_the_busiest_day(largest, top, step):
    assert dashboard.scale_top(largest) == (top, step)


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (1, "خبر واحد"),
        (2, "خبران"),
        (3, "3 أخبار"),
        (10, "10 أخبار"),
        (11, "11 خبرًا"),
        (100, "100 خبر"),
        (103, "103 أخبار"),
    ],
)
def test_chart_counts_stories_in_arabic_number_agreement(count, phrase):
    assert dashboard.count_phrase(count) == phrase
