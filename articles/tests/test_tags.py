from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import uri_to_iri

from articles.models import Article, Tag
from articles.reading.related import related_articles
from articles.tagging import parse_tags
from articles.tests.admin_forms import split_datetime
from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_arabic_tag_gets_an_arabic_slug_never_an_empty_one():
    tag = Tag.objects.create(name="الشرق الأوسط")
    assert tag.slug == "الشرق-الأوسط"
    assert unquote(tag.get_absolute_url()) == "/tag/الشرق-الأوسط/"
    assert Tag.objects.create(name="\u200fكـــرة القدم").slug == "كرة-القدم"
    assert Tag.objects.create(name="؟!").slug == "وسم"
    assert Tag.objects.create(name="!!").slug == "وسم-1"


def test_editors_separate_tags_with_arabic_or_latin_commas_and_spaces_stay_inside_a_tag():
    assert parse_tags("الشرق الأوسط، باكستان,الناتو ، باكستان") == [
        "الشرق الأوسط",
        "الناتو",
        "باكستان",
    ]
    assert parse_tags("") == []


def test_editor_tags_an_article_in_the_admin_and_the_tags_are_created_with_arabic_slugs(
    staff_client, section, masthead
):
    article = ArticleFactory(section=section)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = staff_client.get(url)
    assert "data-tag-autocomplete" in form.content.decode()
    assert "articles/admin/tag_autocomplete.js" in form.content.decode()
    byline = article.bylines.get()
    response = staff_client.post(
        url,
        {
            "headline": article.headline,
            "slug": article.slug,
            "kicker": "",
            "dek": article.dek,
            "body": article.body,
            "section": section.pk,
            "tags": "الناتو، الشرق الأوسط",
            "status": "published",
            **split_datetime("published_at", article.published_at),
            "opened_at": form.context["adminform"].form["opened_at"].value(),
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "1",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-id": byline.pk,
            "bylines-0-article": article.pk,
            "bylines-0-editor": byline.editor_id,
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert sorted(article.tags.values_list("slug", flat=True)) == ["الشرق-الأوسط", "الناتو"]
    reread = staff_client.get(url).content.decode()
    assert "الشرق الأوسط، الناتو" in reread  # shown back as typed, ready to save unchanged


def test_admin_suggests_existing_tags_as_the_editor_types(staff_client):
    Tag.objects.create(name="باكستان")
    Tag.objects.create(name="الهند")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "باك", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["باكستان"]


def test_tag_suggestions_are_refused_to_anonymous_visitors(client, db):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "ب", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert response.status_code == 302


def test_tag_page_lists_only_published_stories_with_that_tag(client, section, masthead):
    shown = ArticleFactory(section=section, headline="خبر موسوم منشور")
    draft = ArticleFactory(section=section, headline="خبر موسوم مسودة", draft=True)
    later = ArticleFactory(
        section=section, headline="خبر موسوم مجدول", published_at=timezone.now() + timedelta(days=1)
    )
    untagged = ArticleFactory(section=section, headline="خبر بلا وسم")
    for article in (shown, draft, later):
        article.tags.add("الانتخابات")
    response = client.get(Tag.objects.get().get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "الانتخابات" in html and shown.headline in html
    for hidden in (draft, later, untagged):
        assert hidden.headline not in html


def test_unknown_tag_is_a_404(client, masthead):
    assert client.get(reverse("articles:tag", kwargs={"slug": "لا-يوجد"})).status_code == 404


def test_article_page_links_its_tags(client, published_article):
    published_article.tags.add("باكستان")
    html = client.get(published_article.get_absolute_url()).content.decode()
    assert (
        f'href="{uri_to_iri(Tag.objects.get().get_absolute_url())}" rel="tag">باكستان</a>' in html
    )


def ids(stories) -> list[int]:
    return [story.pk for story in stories]


def test_related_stories_share_tags_first_most_shared_first_then_the_same_section(masthead):
    section, elsewhere = SectionFactory(), SectionFactory()
    article = ArticleFactory(section=section)
    article.tags.add("الناتو", "باكستان")
    two_tags = ArticleFactory(section=elsewhere, published_at=timezone.now() - timedelta(days=5))
    two_tags.tags.add("الناتو", "باكستان")
    one_tag = ArticleFactory(section=elsewhere)
    one_tag.tags.add("الناتو")
    same_section = ArticleFactory(section=section)
    ArticleFactory(section=elsewhere)  # nothing in common
    assert ids(related_articles(article)) == ids([two_tags, one_tag, same_section])


def test_related_stories_filled_by_shared_tags_are_the_most_shared_then_the_newest(masthead):
    section, elsewhere = SectionFactory(), SectionFactory()
    article = ArticleFactory(section=section)
    article.tags.add("الناتو", "باكستان")
    now = timezone.now()
    two_tags = ArticleFactory(section=elsewhere, published_at=now - timedelta(days=9))
    two_tags.tags.add("الناتو", "باكستان")
    one_tag = [
        ArticleFactory(section=elsewhere, published_at=now - timedelta(hours=hours))
        for hours in range(1, 6)
    ]
    for story in one_tag:
        story.tags.add("باكستان")
    ArticleFactory(section=section)  # the section's newest: not needed, the tags filled it
    assert ids(related_articles(article)) == ids([two_tags, *one_tag[:3]])


def test_related_stories_never_include_drafts_scheduled_stories_or_the_article_itself(masthead):
    section = SectionFactory()
    article = ArticleFactory(section=section)
    article.tags.add("الناتو")
    draft = ArticleFactory(section=section, draft=True)
    later = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=1))
    for hidden in (draft, later):
        hidden.tags.add("الناتو")
    assert ids(related_articles(article)) == ids([])


def test_related_stories_follow_each_story_and_the_clock_though_their_query_is_compiled_once(
    masthead, time_machine
):
    first, second = ArticleFactory(), ArticleFactory()
    first.tags.add("الناتو")
    second.tags.add("باكستان")
    nato = ArticleFactory()
    nato.tags.add("الناتو")
    pakistan_soon = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    pakistan_soon.tags.add("باكستان")
    assert ids(related_articles(first)) == [nato.pk]
    assert related_articles(second) == []
    time_machine.move_to(pakistan_soon.published_at + timedelta(minutes=1))
    assert ids(related_articles(second)) == [pakistan_soon.pk]
    assert ids(related_articles(first)) == [nato.pk]


def test_related_stories_come_with_their_bylines_in_the_desks_order_in_one_query(masthead):
    section = SectionFactory()
    article = ArticleFactory(section=section)
    article.tags.add("الناتو")
    mona, ahmed = EditorFactory(name="منى"), EditorFactory(name="أحمد")
    tagged = ArticleFactory(authors=[ahmed, mona])
    tagged.tags.add("الناتو")
    ArticleFactory(section=section, authors=[mona])
    tags = list(article.tags.all())  # as the article page has them
    related_articles(article, tags=tags)  # compiled on first use
    with CaptureQueriesContext(connection) as captured:
        bylines = [
            [editor.name for editor in story.authors]
            for story in related_articles(article, tags=tags)
        ]
    assert bylines == [["أحمد", "منى"], ["منى"]]
    assert len(captured) == 1


def test_article_page_shows_related_stories(client, published_article):
    other = ArticleFactory(section=published_article.section, authors=[EditorFactory()])
    html = client.get(published_article.get_absolute_url()).content.decode()
    assert "أخبار ذات صلة" in html
    assert uri_to_iri(other.get_absolute_url()) in html
    assert Article.objects.count() == 2


def test_related_stories_for_an_untagged_story_are_its_sections_latest(masthead):
    section = SectionFactory()
    article = ArticleFactory(section=section)
    neighbour = ArticleFactory(section=section)
    ArticleFactory(section=SectionFactory())  # elsewhere
    assert (
        ids(related_articles(article, tags=[])) == ids(related_articles(article)) == [neighbour.pk]
    )
