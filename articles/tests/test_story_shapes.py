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
