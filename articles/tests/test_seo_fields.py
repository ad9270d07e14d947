"""Search-engine and share fields: each left empty falls back to the story's own."""

import json
import re

import pytest
from django.contrib import admin

from articles.models import Article
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def head_of(response) -> str:
    html = response.content.decode()
    return html[: html.index("</head>")]


def meta(head: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', head)


def json_ld(head: str) -> dict:
    (payload,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    return json.loads(payload)


@pytest.fixture
def story(section, masthead):
    return ArticleFactory(section=section, headline="عنوان الخبر الطويل", dek="ملخص الخبر")


def test_empty_seo_fields_use_the_headline_and_dek(client, story):
    head = head_of(client.get(story.get_absolute_url()))
    assert "<title>عنوان الخبر الطويل |" in head
    assert '<meta name="description" content="ملخص الخبر">' in head
    assert meta(head, "og:title") == ["عنوان الخبر الطويل"]
    assert meta(head, "twitter:title") == ["عنوان الخبر الطويل"]
    assert json_ld(head)["headline"] == "عنوان الخبر الطويل"
    assert json_ld(head)["description"] == "ملخص الخبر"


def test_seo_title_and_description_reach_title_meta_and_json_ld(client, story):
    story.seo_title = "عنوان قصير للبحث"
    story.seo_description = "وصف لمحركات البحث"
    story.save()
    head = head_of(client.get(story.get_absolute_url()))
    assert "<title>عنوان قصير للبحث |" in head
    assert '<meta name="description" content="وصف لمحركات البحث">' in head
    assert meta(head, "og:description") == ["وصف لمحركات البحث"]
    assert meta(head, "og:title") == ["عنوان قصير للبحث"]
    assert json_ld(head)["headline"] == "عنوان قصير للبحث"
    assert json_ld(head)["description"] == "وصف لمحركات البحث"


def test_social_title_overrides_only_the_share_titles(client, story):
    story.seo_title = "عنوان البحث"
    story.social_title = "عنوان المشاركة"
    story.save()
    head = head_of(client.get(story.get_absolute_url()))
    assert "<title>عنوان البحث |" in head
    assert meta(head, "og:title") == ["عنوان المشاركة"]
    assert meta(head, "twitter:title") == ["عنوان المشاركة"]


def test_blank_seo_title_of_spaces_falls_back_to_the_headline(story):
    story.seo_title = "   "
    assert story.search_title == "عنوان الخبر الطويل"


def test_article_and_list_pages_allow_large_image_previews(client, story):
    for url in (story.get_absolute_url(), story.section.get_absolute_url(), "/"):
        head = head_of(client.get(url))
        assert meta(head, "robots") == ["max-image-preview:large"], url


def test_seo_fieldset_is_collapsed_in_the_change_form(rf, desk_editor):
    request = rf.get("/admin/articles/article/add/")
    request.user = desk_editor
    fieldsets = dict(admin.site._registry[Article].get_fieldsets(request))
    (seo,) = [options for name, options in fieldsets.items() if name and "البحث" in name]
    assert "collapse" in seo["classes"]
    assert seo["fields"] == ["seo_title", "seo_description", "social_title", "social_image"]
