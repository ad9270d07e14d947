from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Masthead
from articles.reading.queries import story_for_reader
from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory, jpeg_upload

pytestmark = pytest.mark.django_db


def test_article_slug_keeps_arabic_letters_and_drops_tatweel_and_bidi_marks():
    article = ArticleFactory(headline="\u200fالنـــاتو تؤكد دعم التعاون مع باكستان")
    assert article.slug == "الناتو-تؤكد-دعم-التعاون-مع-باكستان"


def test_section_and_editor_slugs_are_unicode_not_empty():
    assert SectionFactory(name="عربي ودولي").slug == "عربي-ودولي"
    assert EditorFactory(name="محمد الباز").slug == "محمد-الباز"


def test_database_refuses_a_second_editor_in_chief():
    EditorFactory(is_editor_in_chief=True)
    with pytest.raises(IntegrityError):
        EditorFactory(is_editor_in_chief=True)


def test_second_editor_in_chief_fails_validation_with_arabic_message():
    EditorFactory(is_editor_in_chief=True)
    with pytest.raises(ValidationError, match="يوجد رئيس تحرير بالفعل"):
        EditorFactory.build(name="آخر", slug="آخر", is_editor_in_chief=True).full_clean()


def test_a_reader_gets_the_story_its_section_tags_and_bylines_in_one_query():
    ahmed = EditorFactory(name="أحمد")
    mona = EditorFactory(name="منى", is_editor_in_chief=True)
    story = ArticleFactory(authors=[mona, ahmed])  # the desk's order, not the editors'
    story.tags.add("نفط", "اقتصاد")
    story_for_reader(story.pk)  # compiled on first use
    with CaptureQueriesContext(connection) as captured:
        read = story_for_reader(story.pk)
        tags = [(tag.name, tag.get_absolute_url()) for tag in read.tags]
        bylines = [(editor.name, editor.get_absolute_url()) for editor in read.authors]
        section = (read.section.name, read.section.get_absolute_url())
    assert len(captured) == 1
    assert section == (story.section.name, story.section.get_absolute_url())
    assert tags == [(tag.name, tag.get_absolute_url()) for tag in story.tags.order_by("name")]
    assert [name for name, _ in tags] == ["اقتصاد", "نفط"]
    assert bylines == [(mona.name, mona.get_absolute_url()), (ahmed.name, ahmed.get_absolute_url())]
    assert read.authors[0].is_editor_in_chief is True
    assert read.authors[1].is_editor_in_chief is False


def test_a_story_without_tags_or_bylines_reads_with_none():
    story = ArticleFactory()
    story.bylines.all().delete()
    read = story_for_reader(story.pk)
    assert read.tags == [] and read.authors == []


def test_published_excludes_drafts_and_future_stories():
    visible = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(published_at=timezone.now() + timedelta(minutes=5))
    assert list(Article.objects.published()) == [visible]


def test_publishing_without_a_time_stamps_it_now():
    article = ArticleFactory(published_at=None)
    assert article.published_at is not None
    assert article.is_published


def test_saved_body_has_script_and_handlers_removed():
    article = ArticleFactory(
        body='<p onclick="steal()">نص <script>alert(1)</script>'
        '<a href="javascript:x()">رابط</a></p>'
    )
    article.refresh_from_db()
    assert "<script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "نص" in article.body


def test_lead_image_without_alt_text_is_refused():
    article = ArticleFactory.build(section=SectionFactory(), lead_image=jpeg_upload())
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "lead_image_alt" in error.value.message_dict


def test_masthead_credit_joins_role_label_and_chief_name():
    chief = EditorFactory(name="محمد الباز", is_editor_in_chief=True)
    assert Masthead.load().credit_line(chief) == "رئيس مجلسي الإدارة والتحرير: محمد الباز"
    assert Masthead.load().credit_line(None) == ""


def test_models_read_as_their_names():
    article = ArticleFactory(headline="خبر")
    assert str(article) == "خبر"
    assert str(article.section) == article.section.name
    assert str(article.authors.first()) == article.authors.first().name
    assert str(Masthead.load()) == Masthead.load().site_name


def test_article_url_carries_id_and_unicode_slug():
    article = ArticleFactory(headline="مترو القاهرة")
    assert unquote(article.get_absolute_url()) == f"/article/{article.pk}/مترو-القاهرة/"


def test_published_includes_a_scheduled_story_only_from_its_minute(time_machine):
    at = timezone.now() + timedelta(minutes=30)
    scheduled = ArticleFactory(status=Article.Status.SCHEDULED, published_at=at)
    withdrawn = ArticleFactory(status=Article.Status.WITHDRAWN)
    in_review = ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    assert scheduled not in Article.objects.published()
    assert list(Article.objects.scheduled()) == [scheduled]
    time_machine.move_to(at)
    assert list(Article.objects.published()) == [scheduled]
    assert scheduled.is_published and not withdrawn.is_published and not in_review.is_published
    assert not Article.objects.scheduled().exists()


def test_scheduled_article_without_a_time_is_refused():
    with pytest.raises(IntegrityError):
        ArticleFactory(status=Article.Status.SCHEDULED, published_at=None)
