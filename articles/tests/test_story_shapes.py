"""A public page reads each story in the shape its use declares, and its templates can touch
nothing more: rendering a shape costs no query the page did not plan."""

import pytest
from django.template.loader import get_template
from django.test import RequestFactory

from articles.reading import queries
from articles.tests.factories import ArticleFactory, EditorFactory, jpeg_upload
from articles.web.cards import card_html

pytestmark = pytest.mark.django_db


def test_a_card_with_its_photo_and_byline_renders_from_its_row_without_a_query(
    section, django_assert_num_queries
):
    story = ArticleFactory(
        section=section,
        lead_image=jpeg_upload(),
        authors=[EditorFactory(name="منى"), EditorFactory(name="أحمد")],
    )
    card = queries.published_cards([story.pk])[story.pk]
    with django_assert_num_queries(0):
        markup = card_html(card, large=True)
    assert story.headline in markup and "منى" in markup and "أحمد" in markup
    assert "<picture>" in markup


def test_the_article_page_renders_its_story_without_a_query(
    masthead, section, django_assert_num_queries
):
    template = get_template("articles/article.html")

    def render(story):
        request = RequestFactory().get(story.get_absolute_url())
        context = {"article": story, "tags": story.tags, "masthead": masthead}
        return template.render(context, request=request)

    first = ArticleFactory(section=section)
    second = ArticleFactory(section=section, lead_image=jpeg_upload(), authors=[EditorFactory()])
    second.tags.add("الناتو")
    render(queries.story_for_reader(first.pk))  # the frame (header, footer) is kept once
    story = queries.story_for_reader(second.pk)
    with django_assert_num_queries(0):
        page = render(story)
    assert second.headline in page and "الناتو" in page
    assert second.authors.get().name in page


def test_a_withdrawn_story_has_no_reader_shape():
    story = ArticleFactory(status="withdrawn")
    assert queries.story_for_reader(story.pk) is None
    assert queries.published_cards([story.pk]) == {}
    assert queries.story_for_staff(story.pk).headline == story.headline


def test_a_search_hit_reads_its_story_without_tags_and_says_so_when_asked_for_them(section):
    story = ArticleFactory(section=section, headline="قمة الناتو في القاهرة")
    story.tags.add("الناتو")
    (hit,) = queries.search_hits([story.pk], ["الناتو"])
    assert hit.story.headline == story.headline
    with pytest.raises(RuntimeError, match="without its tags"):
        _ = hit.story.tags
    assert [tag.name for tag in queries.story_for_reader(story.pk).tags] == ["الناتو"]


def test_a_section_page_lists_placements_and_reads_only_the_cards_it_must_build(
    client, masthead, section
):
    stories = ArticleFactory.create_batch(3, section=section)
    page = queries.section_placements(section)[0:20]
    assert [placement.pk for placement in page] == [story.pk for story in reversed(stories)]
    response = client.get(section.get_absolute_url())
    for story in stories:
        assert story.headline in response.content.decode()
