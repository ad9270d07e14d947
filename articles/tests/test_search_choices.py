"""What a reader can ask of search beyond the words, and what the page gives back: results by
date or best match, a range of days, thumbnails, the query kept in every box, and a spelling
that finds something when the query finds nothing, never one taken from an unpublished story."""

import re
from datetime import datetime, time, timedelta
from html import unescape
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from articles import search
from articles.models import SearchWord
from articles.tests.factories import ArticleFactory, jpeg_upload

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")
RESULT_HEADLINE = re.compile(r'<h2 class="search-result__headline"><a href="[^"]*">(.*?)</a></h2>')
SUGGESTION = re.compile(r'<p class="search-suggestion">.*?<a href="([^"]*)"[^>]*><bdi>(.*?)</bdi>')


def page(client, **params) -> str:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def headlines(html: str) -> list[str]:
    return [unescape(strip_tags(headline)) for headline in RESULT_HEADLINE.findall(html)]


def suggestion(html: str) -> tuple[dict, str] | None:
    """The suggested link's parameters and its words, or None."""
    found = SUGGESTION.search(html)
    if found is None:
        return None
    return parse_qs(urlsplit(unescape(found.group(1))).query), unescape(found.group(2))


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def day(day_offset: int) -> str:
    return (timezone.localdate() + timedelta(days=day_offset)).isoformat()


# --- Order ---------------------------------------------------------------------------------


def test_sorted_by_date_every_match_comes_newest_first_whatever_its_tier(client, section, masthead):
    ArticleFactory(
        section=section, headline="إعصار في الخليج", published_at=timezone.now() - timedelta(days=3)
    )
    ArticleFactory(
        section=section,
        headline="نشرة الطقس",
        body="<p>تحذير من إعصار قادم.</p>",
        published_at=timezone.now() - timedelta(hours=1),
    )
    assert headlines(page(client, q="إعصار")) == ["إعصار في الخليج", "نشرة الطقس"]
    assert headlines(page(client, q="إعصار", sort="newest")) == ["نشرة الطقس", "إعصار في الخليج"]
    assert headlines(page(client, q="إعصار", sort="relevance")) == [
        "إعصار في الخليج",
        "نشرة الطقس",
    ]


def test_the_order_box_shows_the_order_the_results_are_in(client, section, masthead):
    ArticleFactory(section=section, headline="إعصار في الخليج")
    html = page(client, q="إعصار", sort="newest")
    assert re.search(r'<option value="newest" selected>الأحدث أولًا</option>', html)
    assert '<label for="id_sort">الترتيب</label>' in html


def test_a_sorted_search_never_lists_drafts_or_stories_not_yet_released(client, section, masthead):
    ArticleFactory(section=section, headline="كسوف منشور")
    ArticleFactory(section=section, headline="كسوف في مسودة", draft=True)
    ArticleFactory(section=section, headline="كسوف مجدول", scheduled=True)
    ArticleFactory(section=section, headline="كسوف مسحوب", withdrawn=True)
    assert headlines(page(client, q="كسوف", sort="newest")) == ["كسوف منشور"]
    assert headlines(page(client, q="كسوف", sort="newest", **{"from": day(-1), "to": day(1)})) == [
        "كسوف منشور"
    ]


# --- Days ----------------------------------------------------------------------------------


def test_a_range_of_days_keeps_the_stories_of_those_days_first_and_last_included(
    client, section, masthead
):
    ArticleFactory(section=section, headline="فيضان قديم", published_at=local(-10, 12))
    ArticleFactory(section=section, headline="فيضان أول اليوم الأول", published_at=local(-6, 0, 5))
    ArticleFactory(
        section=section, headline="فيضان آخر اليوم الأخير", published_at=local(-2, 23, 55)
    )
    ArticleFactory(section=section, headline="فيضان اليوم", published_at=local(0, 0, 1))
    in_range = {"from": day(-6), "to": day(-2)}
    assert sorted(headlines(page(client, q="فيضان", **in_range))) == sorted(
        ["فيضان أول اليوم الأول", "فيضان آخر اليوم الأخير"]
    )
    assert headlines(page(client, q="فيضان", sort="newest", **in_range)) == [
        "فيضان آخر اليوم الأخير",
        "فيضان أول اليوم الأول",
    ]
    assert headlines(page(client, q="فيضان", **{"from": day(-1)})) == ["فيضان اليوم"]
    assert headlines(page(client, q="فيضان", to=day(-7))) == ["فيضان قديم"]


def test_the_day_boxes_are_date_inputs_with_arabic_labels_holding_the_chosen_days(
    client, section, masthead
):
    html = page(client, q="فيضان", **{"from": day(-6), "to": day(-2)})
    assert '<label for="id_from">من يوم</label>' in html
    assert '<label for="id_to">إلى يوم</label>' in html
    assert re.search(rf'<input type="date" name="from" value="{day(-6)}"[^>]*id="id_from"', html)
    assert re.search(rf'<input type="date" name="to" value="{day(-2)}"[^>]*id="id_to"', html)


def test_the_order_and_the_days_are_kept_by_the_pagination_links(
    client, section, masthead, settings
):
    settings.NEWSROOM_SEARCH_PAGE_SIZE = 2
    for hours in range(3):
        ArticleFactory(
            section=section,
            headline=f"زلزال رقم {hours}",
            published_at=timezone.now() - timedelta(hours=hours + 1),
        )
    html = page(client, q="زلزال", sort="newest", **{"from": day(-3), "to": day(0)})
    next_link = re.search(r'<a rel="next" href="([^"]*)"', html).group(1)
    assert parse_qs(urlsplit(unescape(next_link)).query) == {
        "q": ["زلزال"],
        "sort": ["newest"],
        "from": [day(-3)],
        "to": [day(0)],
        "page": ["2"],
    }
    assert headlines(page(client, **parse_qs(urlsplit(unescape(next_link)).query))) == [
        "زلزال رقم 2"
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-02-30"}, "من يوم «2026-02-30»: اكتب اليوم بالسنة ثم الشهر ثم اليوم"),
        ({"to": "أمس"}, "إلى يوم «أمس»: اكتب اليوم بالسنة ثم الشهر ثم اليوم"),
        ({"from": "1-1-1"}, "من يوم «1-1-1»: اكتب اليوم"),
        ({"from": "0001-01-01"}, "من يوم «0001-01-01»: اختر يومًا بين عامي 1900 و2100"),
        ({"to": "9999-12-31"}, "إلى يوم «9999-12-31»: اختر يومًا بين عامي 1900 و2100"),
        ({"to": "275760-09-13"}, "إلى يوم «275760-09-13»: اكتب اليوم"),
        ({"from": "2026-01-01\x00"}, "من يوم «2026-01-01»: اكتب اليوم"),
        ({"sort": "worst"}, "الترتيب «worst»: ترتيب غير معروف؛ عرضنا الأقرب إلى البحث أولًا."),
    ],
)
def test_a_day_or_order_that_cannot_be_used_gets_an_arabic_message_and_the_search_goes_on(
    client, section, masthead, params, message
):
    ArticleFactory(section=section, headline="إعصار في الخليج")
    response = client.get(SEARCH, {"q": "إعصار", **params})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert headlines(html) == ["إعصار في الخليج"]
    assert 'value="إعصار"' in html
    # A date box holds only a day (HTML allows no other value): what was sent is in the message.
    for box in re.findall(r'<input type="date"[^>]*>', html):
        value = re.search(r'value="([^"]*)"', box)
        assert value is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.group(1))


def test_days_typed_the_wrong_way_round_are_searched_between_with_a_word_of_why(
    client, section, masthead
):
    ArticleFactory(section=section, headline="فيضان", published_at=local(-4, 12))
    ArticleFactory(section=section, headline="فيضان آخر", published_at=local(-9, 12))
    html = page(client, q="فيضان", **{"from": day(-2), "to": day(-5)})
    assert "يوم البداية بعد يوم النهاية، فبحثنا في الأيام بينهما." in html
    assert headlines(html) == ["فيضان"]


# --- The query kept ------------------------------------------------------------------------


def search_boxes(html: str) -> dict[str, str | None]:
    """Every search box of the page, by id: the value it shows (None when empty)."""
    boxes = {}
    for tag in re.findall(r'<input [^>]*name="q"[^>]*>', html):
        value = re.search(r'value="([^"]*)"', tag)
        boxes[re.search(r'id="([^"]*)"', tag).group(1)] = (
            unescape(value.group(1)) if value else None
        )
    return boxes


def test_the_query_is_shown_in_the_header_boxes_and_the_page_box(client, section, masthead):
    ArticleFactory(section=section, headline="إعصار في الخليج")
    boxes = search_boxes(page(client, q="إعصار الخليج"))
    assert boxes == {
        "site-search-q": "إعصار الخليج",
        "menu-search-q": "إعصار الخليج",
        "search-page-q": "إعصار الخليج",
    }
    # The header is kept once for every results page: each shows its own query.
    assert set(search_boxes(page(client, q="بركان")).values()) == {"بركان"}
    # And no other page's header shows one.
    home = client.get("/").content.decode()
    assert set(search_boxes(home).values()) == {None}


def test_a_query_with_markup_is_shown_escaped_in_every_box(client, masthead):
    query = '"><script>alert(1)</script>'
    html = page(client, q=query)
    assert "<script>alert(1)" not in html
    assert set(search_boxes(html).values()) == {query}


def test_a_query_that_cannot_be_searched_stays_in_the_boxes(client, masthead):
    assert set(search_boxes(page(client, q="؟!")).values()) == {"؟!"}


# --- Thumbnails ----------------------------------------------------------------------------


def test_a_result_with_a_photo_shows_its_card_crop_as_a_sized_lazy_thumbnail(
    client, section, masthead
):
    pictured = ArticleFactory(section=section, headline="إعصار مصور", lead_image=jpeg_upload())
    ArticleFactory(section=section, headline="إعصار بلا صورة")
    html = page(client, q="إعصار")
    results = re.findall(r'<li class="search-result[^"]*">.*?</li>', html, re.S)
    assert len(results) == 2
    with_photo = next(result for result in results if "مصور" in result)
    without = next(result for result in results if "بلا صورة" in result)

    crop = pictured.card_picture
    assert 'class="search-result search-result--pictured"' in with_photo
    assert f'srcset="{crop.webp_srcset}"' in with_photo
    img = re.search(r"<img [^>]*>", with_photo).group()
    assert f'src="{crop.src}"' in img
    assert f'width="{crop.width}" height="{crop.height}"' in img
    assert 'loading="lazy"' in img and 'alt=""' in img
    assert 'class="search-result"' in without
    assert "<img" not in without and "search-result__image" not in without


# --- Did you mean --------------------------------------------------------------------------


def test_a_misspelt_query_that_finds_nothing_suggests_the_spelling_that_does(
    client, section, masthead
):
    ArticleFactory(section=section, headline="انتشار فيروس كورونا في المدينة")
    html = page(client, q="كرونا")
    assert headlines(html) == []
    params, words = suggestion(html)
    assert words == "كورونا"
    assert params == {"q": ["كورونا"]}
    assert "هل تقصد:" in html
    assert headlines(page(client, **params)) == ["انتشار فيروس كورونا في المدينة"]


def test_a_query_that_finds_something_gets_no_suggestion(client, section, masthead):
    ArticleFactory(section=section, headline="انتشار فيروس كورونا")
    ArticleFactory(section=section, headline="كرونا مدينة")
    assert suggestion(page(client, q="كرونا")) is None


def test_the_suggestion_is_spelt_as_the_stories_write_it_and_corrects_only_the_wrong_word(
    client, section, masthead
):
    ArticleFactory(section=section, headline="افتتاح المدرسة الجديدة في أسوان")
    _params, words = suggestion(page(client, q="مدرسة أسوات"))
    assert words == "مدرسة أسوان"


def test_the_suggestion_keeps_the_order_and_the_days(client, section, masthead):
    ArticleFactory(section=section, headline="فيروس كورونا", published_at=local(-3, 12))
    params, _words = suggestion(
        page(client, q="كرونا", sort="newest", **{"from": day(-5), "to": day(0)})
    )
    assert params == {"q": ["كورونا"], "sort": ["newest"], "from": [day(-5)], "to": [day(0)]}


def test_no_suggestion_that_would_find_nothing_in_the_chosen_days(client, section, masthead):
    ArticleFactory(section=section, headline="فيروس كورونا", published_at=local(-30, 12))
    assert suggestion(page(client, q="كرونا", **{"from": day(-5)})) is None
    assert suggestion(page(client, q="كرونا")) is not None


def test_no_suggestion_when_no_published_word_is_close(client, section, masthead):
    ArticleFactory(section=section, headline="انتشار فيروس كورونا")
    html = page(client, q="برتقال")
    assert suggestion(html) is None
    assert "جرّب كلمات أقل أو أعم." in html


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "withdrawn"])
def test_a_word_no_published_story_holds_is_never_suggested(client, section, masthead, state):
    ArticleFactory(section=section, headline="نبأ عن مفاعل سري جديد", **{state: True})
    ArticleFactory(section=section, headline="مفاعلات الطاقة")  # "مفاعل" is only its start
    assert suggestion(page(client, q="مفاعيل")) is None
    assert suggestion(page(client, q="سرى جديدد")) is None
    assert search.suggest(["مفاعيل"]) is None


def test_the_vocabulary_never_holds_a_word_of_a_draft(section, masthead):
    ArticleFactory(section=section, headline="خطة سرية للمستقبل", draft=True)
    ArticleFactory(section=section, headline="خطة للمراجعة", in_review=True)
    ArticleFactory(section=section, headline="خطة منشورة")
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"خطه", "منشوره"} <= words
    assert not words & {"سريه", "مستقبل", "مراجعه"}


def test_a_story_turned_back_into_a_draft_lends_its_words_no_more(client, section, masthead):
    article = ArticleFactory(section=section, headline="انتشار فيروس كورونا")
    assert suggestion(page(client, q="كرونا")) is not None
    article.status = article.Status.DRAFT
    article.save()
    assert suggestion(page(client, q="كرونا")) is None


def test_a_scheduled_storys_words_are_suggested_from_its_minute(
    client, section, masthead, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(
        section=section,
        headline="انتشار فيروس كورونا",
        published_at=timezone.now() + timedelta(minutes=5),
    )
    assert suggestion(page(client, q="كرونا")) is None
    time_machine.shift(timedelta(minutes=5, seconds=1))
    assert suggestion(page(client, q="كرونا"))[1] == "كورونا"


def test_rebuild_search_index_rebuilds_the_vocabulary_without_drafts(section, masthead):
    ArticleFactory(section=section, headline="انتشار فيروس كورونا")
    ArticleFactory(section=section, headline="مسودة عن مفاعل", draft=True)
    SearchWord.objects.create(word="قديمه", spelling="قديمة")  # from a story since deleted
    call_command("rebuild_search_index", stdout=StringIO(), stderr=StringIO())
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert "كورونا" in words
    assert not words & {"قديمه", "مفاعل", "مسوده"}
