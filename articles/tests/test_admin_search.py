"""The desk finds a story in the admin's list however it is spelt, as readers do on the site."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from articles.tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
LISTED_HEADLINE = re.compile(r'class="field-headline"><a href="[^"]*">(.*?)</a>')


def listed(client, query) -> list[str]:
    """The headlines the article list shows for a search, in order."""
    response = client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return [unescape(strip_tags(headline)) for headline in LISTED_HEADLINE.findall(html)]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("الأهلي يفوز بالدوري", "الاهلي"),
        ("الاهلي يفوز بالدوري", "الأهلي"),
        ("زحام في القاهرة", "القاهره"),
        ("زحام في القاهره", "القاهرة"),
        ("وفد باكستانية في الرياض", "باكستانيه"),
        ("وفد باكستانية في الرياض", "باكستان"),
        ("قمة الناتو في بروكسل", "النّاتو"),
        ("قمة الناتو في بروكسل", "ناتو"),
    ],
)
def test_admin_search_finds_a_story_whatever_the_spelling(
    staff_client, section, masthead, written, typed
):
    ArticleFactory(section=section, headline=written)
    ArticleFactory(section=section, headline="خبر لا علاقة له")
    assert listed(staff_client, typed) == [written]


def test_every_spelling_of_a_word_lists_the_same_stories(staff_client, section, masthead):
    ArticleFactory(section=section, headline="الأهلي في النهائي")
    ArticleFactory(section=section, headline="مدرب الاهلي يتحدث", kicker="رياضة")
    ArticleFactory(section=section, headline="جمهور", dek="احتفالات جماهير الأهلى")
    ArticleFactory(section=section, headline="خبر الزمالك")
    spellings = ["الأهلي", "الاهلي", "الأهلى", "أهلي"]
    results = [sorted(listed(staff_client, spelling)) for spelling in spellings]
    assert results[0] == sorted(["الأهلي في النهائي", "مدرب الاهلي يتحدث", "جمهور"])
    assert all(result == results[0] for result in results)


def test_admin_search_reads_kicker_dek_and_body(staff_client, section, masthead):
    ArticleFactory(section=section, headline="في العنوان", kicker="بروكسل")
    ArticleFactory(section=section, headline="في الملخص", dek="اجتماع في بروكسل")
    ArticleFactory(section=section, headline="في المتن", body="<p>وصل الوفد إلى <b>بروكسل</b>.</p>")
    ArticleFactory(section=section, headline="في مكان آخر", body="<p>لا شيء هنا.</p>")
    assert sorted(listed(staff_client, "بروكسل")) == sorted(["في العنوان", "في الملخص", "في المتن"])


def test_admin_search_finds_the_stories_an_editor_signs(staff_client, section, masthead):
    writer = EditorFactory(name="أحمد فؤاد")
    ArticleFactory(section=section, headline="خبر بقلمه", authors=[writer])
    ArticleFactory(section=section, headline="خبر بقلم غيره")
    assert listed(staff_client, "احمد فواد") == ["خبر بقلمه"]
    assert listed(staff_client, "فؤاد") == ["خبر بقلمه"]


def test_admin_search_lists_drafts_and_scheduled_stories_readers_cannot_find(
    client, staff_client, section, masthead
):
    ArticleFactory(section=section, draft=True, headline="مسودة عن الناتو")
    ArticleFactory(section=section, in_review=True, headline="الناتو قيد المراجعة")
    ArticleFactory(section=section, scheduled=True, headline="الناتو غدًا")
    ArticleFactory(section=section, headline="الناتو اليوم")

    assert sorted(listed(staff_client, "الناتو")) == sorted(
        ["مسودة عن الناتو", "الناتو قيد المراجعة", "الناتو غدًا", "الناتو اليوم"]
    )
    public = strip_tags(client.get(reverse("articles:search"), {"q": "الناتو"}).content.decode())
    assert "الناتو اليوم" in public
    for hidden in ["مسودة عن الناتو", "الناتو قيد المراجعة", "الناتو غدًا"]:
        assert hidden not in public


def test_admin_search_follows_an_edit(staff_client, section, masthead):
    story = ArticleFactory(section=section, headline="قمة في بروكسل")
    story.headline = "قمة في جنيف"
    story.save()
    assert listed(staff_client, "بروكسل") == []
    assert listed(staff_client, "جنيف") == ["قمة في جنيف"]


def test_admin_search_combines_with_the_lists_filters(staff_client, section, masthead):
    ArticleFactory(section=section, draft=True, headline="مسودة عن الناتو")
    ArticleFactory(section=section, headline="الناتو اليوم")
    response = staff_client.get(CHANGELIST, {"q": "الناتو", "state": "draft"})
    html = response.content.decode()
    assert "مسودة عن الناتو" in html
    assert "الناتو اليوم" not in html


@pytest.mark.parametrize("query", ["؟؟ !!", "ـــ", "ب" * 201])
def test_a_search_that_cannot_be_run_says_why_in_arabic_and_lists_nothing(
    staff_client, section, masthead, query
):
    ArticleFactory(section=section, headline="الناتو اليوم")
    response = staff_client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "الناتو اليوم" not in html
    assert "عبارة البحث" in html or "اكتب كلمة" in html


def test_fts_syntax_typed_in_the_admin_search_is_searched_as_text(staff_client, section, masthead):
    ArticleFactory(section=section, headline="الناتو اليوم")
    for query in ['الناتو" OR "x', "headline:الناتو", "الناتو*", "NEAR(الناتو)", "'; DROP"]:
        assert staff_client.get(CHANGELIST, {"q": query}).status_code == 200
    assert listed(staff_client, '"الناتو"*') == ["الناتو اليوم"]


def test_a_search_lists_its_newest_matches_up_to_the_limit(
    staff_client, section, masthead, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.admin import articles as article_admin

    monkeypatch.setattr(article_admin, "SEARCH_COUNT_LIMIT", 3)
    monkeypatch.setattr(article_admin.ArticleAdmin, "list_per_page", 2)
    now = timezone.now()
    for hours in range(5):
        ArticleFactory(
            section=section, headline=f"الناتو {hours}", published_at=now - timedelta(hours=hours)
        )
    assert listed(staff_client, "الناتو") == ["الناتو 0", "الناتو 1"]
    last = staff_client.get(CHANGELIST, {"q": "الناتو", "p": 2}).content.decode()
    assert [unescape(h) for h in LISTED_HEADLINE.findall(last)] == ["الناتو 2"]
