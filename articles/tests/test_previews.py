import json
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from PIL import Image

from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory, jpeg_upload

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def head_of(response) -> str:
    html = response.content.decode()
    return html[: html.index("</head>")]


def meta(head: str, key: str) -> list[str]:
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    return re.findall(pattern, head)


def json_ld(head: str) -> dict:
    (payload,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    return json.loads(payload)


@pytest.fixture
def story(section, masthead):
    article = ArticleFactory(
        section=section,
        headline="الناتو يؤكد دعم التعاون مع باكستان",
        dek="خطة عمل للعام المقبل",
        authors=[EditorFactory(name="سارة عبد الحميد"), EditorFactory(name="أحمد فؤاد")],
        lead_image=jpeg_upload(size=(1200, 675)),
        lead_image_alt="اجتماع في بروكسل",
    )
    article.tags.add("الناتو")
    return article


def test_article_head_has_canonical_description_open_graph_and_twitter_card(client, story):
    head = head_of(client.get(story.get_absolute_url()))
    canonical = HOST + story.get_absolute_url()
    image = HOST + story.share_picture.share_src
    assert f'<link rel="canonical" href="{canonical}">' in head
    assert '<meta name="description" content="خطة عمل للعام المقبل">' in head
    assert meta(head, "og:type") == ["article"]
    assert meta(head, "og:url") == [canonical]
    assert meta(head, "og:title") == [story.headline]
    assert meta(head, "og:site_name") == ["الصحيفة"]
    assert meta(head, "og:image") == [image]
    assert meta(head, "og:image:alt") == ["اجتماع في بروكسل"]
    assert meta(head, "article:section") == [story.section.name]
    assert meta(head, "article:tag") == ["الناتو"]
    assert meta(head, "twitter:card") == ["summary_large_image"]
    assert meta(head, "twitter:image") == [image]


def test_article_without_image_gets_a_plain_summary_card(client, published_article):
    head = head_of(client.get(published_article.get_absolute_url()))
    assert meta(head, "twitter:card") == ["summary"]
    assert meta(head, "og:image") == []
    assert "image" not in json_ld(head)


def test_article_json_ld_is_a_complete_news_article(client, story):
    data = json_ld(head_of(client.get(story.get_absolute_url())))
    story.refresh_from_db()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert parse_datetime(data["datePublished"]) == story.published_at
    assert parse_datetime(data["dateModified"]) >= story.published_at
    assert [author["name"] for author in data["author"]] == ["سارة عبد الحميد", "أحمد فؤاد"]
    assert data["author"][0]["url"].startswith(HOST + "/editor/")
    assert data["publisher"]["name"] == "الصحيفة"
    logo = data["publisher"]["logo"]
    assert logo["url"] == HOST + "/static/articles/logo.png"
    with Image.open(finders.find("articles/logo.png")) as image:
        assert image.size == (logo["width"], logo["height"])
    assert data["image"] == [HOST + story.share_picture.share_src]
    assert data["articleSection"] == story.section.name
    assert data["mainEntityOfPage"]["@id"] == HOST + story.get_absolute_url()


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client, section, masthead):
    hostile = '</script><script>alert("x")</script> & <!--'
    article = ArticleFactory(section=section, headline=hostile)
    head = head_of(client.get(article.get_absolute_url()))
    assert "<script>alert" not in head
    assert json_ld(head)["headline"] == hostile


def test_home_page_describes_the_paper_as_a_searchable_website(client, published_article):
    head = head_of(client.get("/"))
    assert f'<link rel="canonical" href="{HOST}/">' in head
    assert meta(head, "og:type") == ["website"]
    assert meta(head, "og:title") == ["الصحيفة"]
    data = json_ld(head)
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"] == f"{HOST}/search/?q={{search_term_string}}"


def test_section_page_has_its_own_canonical_and_open_graph(client, masthead, settings):
    settings.NEWSROOM_SECTION_PAGE_SIZE = 1
    section = SectionFactory(name="رياضة", description="الدوري والبطولات")
    ArticleFactory.create_batch(2, section=section)
    head = head_of(client.get(section.get_absolute_url()))
    assert f'<link rel="canonical" href="{HOST}{section.get_absolute_url()}">' in head
    assert meta(head, "og:title") == ["رياضة"]
    assert meta(head, "og:description") == ["الدوري والبطولات"]
    second = head_of(client.get(section.get_absolute_url() + "?page=2"))
    assert f'href="{HOST}{section.get_absolute_url()}?page=2"' in second


def test_short_link_redirects_permanently_to_the_canonical_address(client, published_article):
    response = client.get(reverse("articles:short_link", kwargs={"pk": published_article.pk}))
    assert response.status_code == 301
    assert response["Location"] == published_article.get_absolute_url()
    head = head_of(client.get(published_article.get_absolute_url()))
    assert f'<link rel="shortlink" href="/n/{published_article.pk}/">' in head


def test_short_link_of_a_draft_or_scheduled_story_is_a_404(client, draft_article, section):
    later = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=1))
    for article in (draft_article, later):
        response = client.get(reverse("articles:short_link", kwargs={"pk": article.pk}))
        assert response.status_code == 404
