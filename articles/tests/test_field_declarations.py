"""The Article's fields are declared once (articles/models/fields.py), and what is derived from
the declaration holds: a new editable field left out of it fails the system check, and every
declared field reaches the admin form, history's comparison and restore."""

import dataclasses
from datetime import timedelta

import pytest
import reversion
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone
from reversion.models import Version

from articles import checks, workflow
from articles.admin import history
from articles.models import Article
from articles.models import fields as declared
from articles.reading import stories
from articles.tests.admin_forms import change_url
from articles.tests.factories import ArticleFactory, SectionFactory, jpeg_upload

Status = Article.Status


def test_the_project_passes_the_field_declaration_check():
    assert checks.article_fields_declared() == []
    call_command("check")  # raises SystemCheckError on any error


@isolate_apps("articles")
def test_a_new_editable_field_missing_from_the_declaration_fails_the_check():
    class ArticleWithANewField(models.Model):
        headline = models.CharField(max_length=255)
        standfirst = models.CharField(max_length=255, blank=True)
        computed = models.CharField(max_length=10, editable=False)

        class Meta:
            app_label = "articles"

        def __str__(self):
            return self.headline

    errors = checks.article_fields_declared(model=ArticleWithANewField)
    missing = [error for error in errors if error.id == "newsroom.E001"]
    assert [error.msg for error in missing] == [
        "Article.standfirst is editable but has no line in articles/models/fields.py "
        "ARTICLE_FIELDS."
    ]  # the non-editable field and the declared headline are not reported


def test_forgetting_the_line_of_an_existing_field_fails_manage_py_check(monkeypatch):
    monkeypatch.setattr(
        declared, "MODEL_FIELDS", tuple(n for n in declared.MODEL_FIELDS if n != "dek")
    )
    with pytest.raises(SystemCheckError, match=r"Article\.dek is editable but has no line"):
        call_command("check")


def test_a_declared_field_the_model_lacks_fails_the_check(monkeypatch):
    monkeypatch.setattr(declared, "MODEL_FIELDS", (*declared.MODEL_FIELDS, "standfirst"))
    errors = checks.article_fields_declared()
    assert [error.id for error in errors] == ["newsroom.E002"]
    assert "'standfirst'" in errors[0].msg


def test_every_declaration_states_each_purpose_without_defaults():
    with pytest.raises(TypeError):
        declared.ArticleField(name="standfirst", group=declared.MAIN)  # purposes left out


def test_each_editable_field_of_article_is_in_the_admin_fieldsets():
    from articles.admin.articles import ArticleAdmin

    shown = {name for _, options in ArticleAdmin.fieldsets for name in options["fields"]}
    editable = {
        field.name
        for field in Article._meta.concrete_fields
        if field.editable and not field.primary_key
    }
    assert editable - shown == set()


@pytest.mark.django_db
def test_every_declared_form_field_is_an_input_of_the_admin_form(
    client_of, chief_user, published_article
):
    response = client_of(chief_user).get(change_url(published_article))
    form = response.context["adminform"].form
    assert declared.IN_MODEL_FORM  # the loop below checks something
    for name in declared.IN_MODEL_FORM:
        assert name in form.fields, name
        assert f'name="{name}' in response.content.decode(), name  # dates: name_0, name_1


def _value(field: models.Field, variant: int):
    """A value for `field`, different for each variant."""
    if field.is_relation:
        return SectionFactory()
    if isinstance(field, models.FileField):
        return jpeg_upload(name=f"photo-{variant}.jpg", color=(40 * variant, 30, 30))
    if isinstance(field, models.BooleanField):
        return bool(variant % 2)
    if isinstance(field, models.DateTimeField):
        return timezone.now() - timedelta(days=variant)
    if field.choices:
        return [Status.PUBLISHED, Status.WITHDRAWN][variant % 2]
    if field.name == "body":
        return f"<p>متن النسخة {variant}.</p>"
    if isinstance(field, models.SlugField):
        return f"version-{variant}"
    return f"نص {field.name} في النسخة {variant}"


def _saved_version(article: Article, names, variant: int) -> Version:
    for name in names:
        setattr(article, name, _value(Article._meta.get_field(name), variant))
    with reversion.create_revision():
        article.save()
    return Version.objects.get_for_object(article).order_by("-pk").first()


@pytest.mark.django_db
def test_restoring_a_version_brings_back_every_declared_restorable_field(desk_editor, masthead):
    article = ArticleFactory()
    restorable = declared.RESTORED
    assert {"headline", "kicker", "dek", "body", "lead_image", "section"} <= set(restorable)
    first = _saved_version(article, restorable, 1)
    kept = {name: getattr(Article.objects.get(pk=article.pk), name) for name in restorable}
    _saved_version(Article.objects.get(pk=article.pk), restorable, 2)
    changed = Article.objects.get(pk=article.pk)
    assert all(getattr(changed, name) != kept[name] for name in restorable)

    workflow.article_restore_version(article=changed, version=first, by=desk_editor)

    restored = Article.objects.get(pk=article.pk)
    for name in restorable:
        assert getattr(restored, name) == kept[name], name


@pytest.mark.django_db
def test_restoring_leaves_every_field_not_declared_restorable_as_it_is(desk_editor, masthead):
    article = ArticleFactory(is_breaking=False)
    first = _saved_version(article, ["headline"], 1)
    article = Article.objects.get(pk=article.pk)
    article.is_breaking = True
    article.save()

    workflow.article_restore_version(article=article, version=first, by=desk_editor)

    restored = Article.objects.get(pk=article.pk)
    assert restored.is_breaking is True
    assert restored.status == Status.PUBLISHED


@pytest.mark.django_db
def test_comparing_two_versions_shows_a_change_of_each_declared_compared_field(masthead):
    article = ArticleFactory()
    compared = (*declared.COMPARED_TEXT, *declared.COMPARED_BODY, *declared.NAMED_IN_HISTORY)
    old = _saved_version(article, compared, 1)
    new = _saved_version(Article.objects.get(pk=article.pk), compared, 2)

    comparison = history.compare_versions(old, new)

    changed_text = {str(label) for label, _diff, changed in comparison.fields if changed}
    assert changed_text == {
        str(Article._meta.get_field(name).verbose_name) for name in declared.COMPARED_TEXT
    }
    assert any(row.kind != "same" for row in comparison.body)
    assert set(comparison.other_changes) == {
        str(Article._meta.get_field(name).verbose_name) for name in declared.NAMED_IN_HISTORY
    }


def test_each_story_shape_has_the_fields_declared_for_its_use():
    def shape_fields(shape):
        return {field.name for field in dataclasses.fields(shape)}

    def as_columns(names):
        return {f"{name}_id" if name == "section" else name for name in names} - {"tags"}

    assert as_columns(declared.ON_CARDS) <= shape_fields(stories.Card)
    assert as_columns(declared.ON_THE_PAGE) <= shape_fields(stories.Story)
    assert as_columns(declared.ON_HEADLINES) <= shape_fields(stories.Headline)
    assert as_columns(declared.ON_LISTS) <= shape_fields(stories.Placement)
    assert "body" not in shape_fields(stories.Card)
    assert "headline" in declared.ON_CARDS and "body" not in declared.ON_CARDS
    assert "body" in declared.ON_THE_PAGE
