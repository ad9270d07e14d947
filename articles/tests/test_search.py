import re
from datetime import timedelta
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from articles import search
from articles.arabic import normalize_arabic
from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


RESULT_HEADLINE = re.compile(r'<h2 class="search-result__headline"><a href="[^"]*">(.*?)</a></h2>')


def found(client, query, **params) -> list[str]:
    """The headlines a reader sees listed, in order (whether the page was cached or built)."""
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    return [unescape(strip_tags(headline)) for headline in RESULT_HEADLINE.findall(html)]


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"),
        ("مجلسى", "مجلسي"),
        ("مدرسة", "مدرسه"),
        ("مؤتمر", "موتمر"),
        ("رئيس", "رييس"),
        ("الْعَرَبِيَّةُ", "العربيه"),
        ("الـــنـاتو", "الناتو"),
        ("٢٠٢١ و۲۰۲۲", "2021 و2022"),
        ("\u200fالناتو\u202b", "الناتو"),
    ],
)
def test_one_normalization_unifies_the_spellings_arabic_writers_vary(written, normalized):
    assert normalize_arabic(written) == normalized


def test_reader_typing_majlisi_with_ya_finds_the_page_written_with_alef_maqsura(
    client, section, masthead
):
    ArticleFactory(section=section, headline="رئيس مجلسى الإدارة يفتتح المعرض")
    assert found(client, "مجلسي") == ["رئيس مجلسى الإدارة يفتتح المعرض"]


def test_query_without_hamza_finds_the_word_written_with_it(client, section, masthead):
    ArticleFactory(section=section, body="<p>قوات حلف شمال الأطلنطي في بروكسل.</p>")
    ArticleFactory(section=section, headline="خبر آخر لا علاقة له")
    assert len(found(client, "الاطلنطي")) == 1
    assert len(found(client, "الأطلنطى")) == 1


def test_a_word_finds_its_longer_forms_and_the_same_word_with_the_article(
    client, section, masthead
):
    ArticleFactory(section=section, headline="القوات الباكستانية في المناورات")
    ArticleFactory(section=section, headline="وفد من باكستان يزور القاهرة")
    ArticleFactory(section=section, headline="خبر عن الهند")
    assert sorted(found(client, "باكستان")) == [
        "القوات الباكستانية في المناورات",
        "وفد من باكستان يزور القاهرة",
    ]
    assert found(client, "الناتو") == [] and found(client, "هند") == ["خبر عن الهند"]


def test_tashkeel_tatweel_and_eastern_digits_in_the_query_are_ignored(client, section, masthead):
    ArticleFactory(section=section, headline="اجتماعات نوفمبر 2021 في بروكسل")
    assert found(client, "اجتمـاعَاتُ") == ["اجتماعات نوفمبر 2021 في بروكسل"]
    assert found(client, "٢٠٢١") == ["اجتماعات نوفمبر 2021 في بروكسل"]


def test_every_word_of_the_query_must_match(client, section, masthead):
    ArticleFactory(section=section, headline="الناتو وباكستان")
    ArticleFactory(section=section, headline="الناتو وحده")
    assert found(client, "الناتو باكستان") == ["الناتو وباكستان"]


def test_a_story_matches_when_its_words_are_spread_over_headline_and_body(
    client, section, masthead
):
    ArticleFactory(section=section, headline="الناتو يجتمع", body="<p>وفد من باكستان</p>")
    ArticleFactory(section=section, headline="الناتو يجتمع مجددا", body="<p>بلا ضيوف</p>")
    assert found(client, "الناتو باكستان") == ["الناتو يجتمع"]


def test_a_full_list_of_headline_matches_comes_before_any_body_match(
    client, section, masthead, settings
):
    settings.NEWSROOM_SEARCH_MAX_RESULTS = 2
    now = timezone.now()
    ArticleFactory(section=section, body="<p>إعصار في المتن</p>", headline="أحدث خبر")
    for days in (3, 2):
        ArticleFactory(
            section=section, headline=f"إعصار {days}", published_at=now - timedelta(days)
        )
    assert found(client, "إعصار") == ["إعصار 2", "إعصار 3"]
    settings.NEWSROOM_SEARCH_MAX_RESULTS = 3
    empty_every_cache()  # the page cached under the old limit
    assert found(client, "إعصار") == ["إعصار 2", "إعصار 3", "أحدث خبر"]


def test_headline_match_ranks_above_dek_above_body_whatever_the_dates(client, section, masthead):
    now = timezone.now()
    body = ArticleFactory(section=section, body="<p>الكلمة زلزال في المتن</p>", headline="أ")
    dek = ArticleFactory(
        section=section, dek="زلزال في الملخص", headline="ب", published_at=now - timedelta(days=2)
    )
    head = ArticleFactory(section=section, headline="زلزال", published_at=now - timedelta(days=9))
    assert found(client, "زلزال") == [head.headline, dek.headline, body.headline]


def test_equal_matches_list_the_newest_story_first(client, section, masthead):
    now = timezone.now()
    for days, headline in [(3, "إعصار الثلاثاء"), (1, "إعصار الخميس"), (2, "إعصار الأربعاء")]:
        ArticleFactory(section=section, headline=headline, published_at=now - timedelta(days=days))
    assert found(client, "إعصار") == ["إعصار الخميس", "إعصار الأربعاء", "إعصار الثلاثاء"]


def test_results_are_paginated_and_the_next_page_keeps_the_query(
    client, section, masthead, settings
):
    settings.NEWSROOM_SEARCH_PAGE_SIZE = 2
    ArticleFactory.create_batch(3, section=section, dek="فيضان")
    first = client.get(SEARCH, {"q": "فيضان"})
    assert len(first.context["hits"]) == 2
    assert "صفحة 1 من 2" in first.content.decode()
    assert "?q=%D9%81%D9%8A%D8%B6%D8%A7%D9%86&amp;page=2" in first.content.decode()
    assert len(found(client, "فيضان", page=2)) == 1


def test_matched_words_are_highlighted_and_the_rest_escaped(client, section, masthead):
    ArticleFactory(
        section=section,
        headline="<b>قمة</b> الناتو",
        body="<p>مقدمة طويلة. وعقدت القمة &lt;script&gt;alert(1)&lt;/script&gt; في بروكسل.</p>",
    )
    html = client.get(SEARCH, {"q": "قمه"}).content.decode()
    assert "&lt;b&gt;<mark>قمة</mark>&lt;/b&gt; الناتو" in html
    assert "وعقدت <mark>القمة</mark> &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_snippet_is_a_passage_around_the_first_match():
    article = ArticleFactory.build(
        body="<p>" + "كلام " * 100 + "ثم جاء ذكر الزلزال المدمر " + "وبعده كلام " * 100 + "</p>"
    )
    snippet = search.snippet(article, ["زلزال"])
    assert "<mark>الزلزال</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 320


def test_drafts_and_scheduled_stories_never_appear_in_search(client, section, masthead):
    published = ArticleFactory(section=section, headline="كسوف منشور")
    ArticleFactory(section=section, headline="كسوف في مسودة", draft=True)
    ArticleFactory(
        section=section, headline="كسوف مجدول", published_at=timezone.now() + timedelta(hours=2)
    )
    assert found(client, "كسوف") == ["كسوف منشور"]
    assert search.search_article_ids(["كسوف"]) == [published.pk]


def test_the_index_follows_every_edit_and_deletion(client, section, masthead):
    article = ArticleFactory(section=section, headline="عنوان قديم عن الكسوف")
    article.headline = "عنوان جديد عن الخسوف"
    article.save()
    assert found(client, "الكسوف") == []
    assert found(client, "الخسوف") == ["عنوان جديد عن الخسوف"]
    article.delete()
    assert found(client, "الخسوف") == []
    assert search.search_article_ids(["الخسوف"]) == []


def test_a_scheduled_story_becomes_searchable_at_its_minute_without_reindexing(
    client, section, masthead, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(
        section=section, headline="بركان خامد", published_at=timezone.now() + timedelta(minutes=5)
    )
    assert found(client, "بركان") == []
    time_machine.shift(timedelta(minutes=5, seconds=1))
    assert found(client, "بركان") == ["بركان خامد"]


def test_rebuild_search_index_restores_a_lost_index_with_a_progress_bar(client, section, masthead):
    ArticleFactory.create_batch(3, section=section, headline="سد النهضة")
    search.clear_index()
    assert found(client, "النهضه") == []
    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert found(client, "النهضه") == ["سد النهضة"] * 3
    assert "3 articles" in out.getvalue()
    assert "3/3" in err.getvalue()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "اكتب كلمة أو أكثر"),
        ("   ", "اكتب كلمة أو أكثر"),
        ("؟!...،«»", "لم نجد في عبارة البحث حروفًا"),
        ("خبر " * 60, "عبارة البحث أطول من 200 حرف"),
    ],
)
def test_a_query_that_cannot_be_searched_gets_a_friendly_arabic_page(
    client, masthead, query, message
):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_fts_syntax_in_a_query_is_searched_as_text_not_obeyed(client, section, masthead):
    ArticleFactory(section=section, headline="تقرير OR سري")
    for query in ['"', "NEAR(", "a*b:c", "' & | !", "headline:تقرير", "-تقرير"]:
        assert client.get(SEARCH, {"q": query}).status_code == 200
    assert found(client, "تقرير OR") == ["تقرير OR سري"]


def test_every_page_header_has_a_search_form(client, published_article):
    html = client.get("/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert f'action="{SEARCH}"' in header and 'name="q"' in header


def test_each_database_uses_its_own_search_backend():
    expected = {
        "postgresql": search.PostgresSearchBackend,
        "sqlite": search.SqliteSearchBackend,
    }
    assert isinstance(search.backend(), expected[connection.vendor])


def test_the_seed_page_is_found_however_the_reader_spells_its_words(client):
    call_command("load_demo", verbosity=0)
    seed = "هيئة الأركان العسكرية للناتو تؤكد دعم التعاون العسكري المشترك مع باكستان"
    for query in ["الاطلنطي", "باكستان", "الباكستانيين", "ناتو", "بروكسل ٢٠٢١"]:
        assert seed in found(client, query), query
    assert search.Article.objects.get(headline=seed).tags.filter(name="باكستان").exists()


def test_the_database_holds_a_weighted_index_of_every_saved_article(published_article):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_vector_gin'"
            )
            assert "USING gin (vector)" in cursor.fetchone()[0]
            cursor.execute(
                "SELECT vector::text FROM articles_searchdocument WHERE article_id = %s",
                [published_article.pk],
            )
            vector = cursor.fetchone()[0]
            assert "'عنوان':1A" in vector and "'متن':" in vector and "C" in vector
        else:
            cursor.execute(
                "SELECT headline, body FROM articles_search_fts WHERE rowid = %s",
                [published_article.pk],
            )
            headline, body = cursor.fetchone()
            # each word with the article is followed by its form without it
            assert headline.startswith("عنوان الخبر خبر رقم") and body == "متن الخبر خبر"
