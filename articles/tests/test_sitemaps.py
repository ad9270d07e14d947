from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NEWS = {**NS, "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / name)))


def urlset_with_news_schema() -> etree.XMLSchema:
    """sitemap.xsd with the Google News namespace imported, so <news:news> is checked strictly."""
    driver = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
      <xsd:import namespace="{NS["sm"]}" schemaLocation="{(DATA / "sitemap.xsd").as_uri()}"/>
      <xsd:import namespace="{NEWS["news"]}"
                  schemaLocation="{(DATA / "sitemap-news.xsd").as_uri()}"/>
    </xsd:schema>"""
    return etree.XMLSchema(etree.fromstring(driver.encode()))


def valid_xml(client, url, xml_schema) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "xml" in response["Content-Type"]
    document = etree.fromstring(response.content)
    assert xml_schema.validate(document), xml_schema.error_log
    return document


def locations(document) -> list[str]:
    return document.xpath("//sm:loc/text()", namespaces=NS)


@pytest.fixture
def paper(section, masthead):
    author = EditorFactory(name="سارة عبد الحميد")
    article = ArticleFactory(section=section, authors=[author], headline="الناتو وباكستان")
    return article, author


def test_sitemap_xml_is_a_valid_index_over_articles_sections_and_editors(client, paper):
    index = valid_xml(client, reverse("articles:sitemap"), schema("siteindex.xsd"))
    assert sorted(locations(index)) == sorted(
        f"http://testserver{reverse('articles:sitemap_section', kwargs={'section': name})}"
        for name in ["articles", "sections", "editors"]
    )


def test_every_sitemap_in_the_index_is_valid_and_lists_what_readers_can_open(client, paper):
    article, author = paper
    urlset = schema("sitemap.xsd")
    listed = {}
    for name in ["articles", "sections", "editors"]:
        url = reverse("articles:sitemap_section", kwargs={"section": name})
        listed[name] = locations(valid_xml(client, url, urlset))
    assert listed["articles"] == [f"http://testserver{article.get_absolute_url()}"]
    assert listed["sections"] == [f"http://testserver{article.section.get_absolute_url()}"]
    assert listed["editors"] == [f"http://testserver{author.get_absolute_url()}"]
    for urls in listed.values():
        assert all(client.get(url).status_code == 200 for url in urls)


def test_drafts_and_scheduled_stories_never_appear_in_sitemaps(client, section, masthead):
    shown = ArticleFactory(section=section, headline="منشور")
    draft_only_author = EditorFactory()
    ArticleFactory(section=section, draft=True, authors=[draft_only_author])
    ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=1))
    articles = client.get(reverse("articles:sitemap_section", kwargs={"section": "articles"}))
    assert locations(etree.fromstring(articles.content)) == [
        f"http://testserver{shown.get_absolute_url()}"
    ]
    editors = client.get(reverse("articles:sitemap_section", kwargs={"section": "editors"}))
    assert f"http://testserver{draft_only_author.get_absolute_url()}" not in locations(
        etree.fromstring(editors.content)
    )
    news = client.get(reverse("articles:news_sitemap"))
    assert locations(etree.fromstring(news.content)) == [
        f"http://testserver{shown.get_absolute_url()}"
    ]


def test_section_lastmod_is_its_latest_published_story(client, masthead):
    section = SectionFactory()
    ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(section=section, published_at=timezone.now() + timedelta(days=3))  # scheduled
    document = etree.fromstring(
        client.get(reverse("articles:sitemap_section", kwargs={"section": "sections"})).content
    )
    expected = timezone.localdate(timezone.now() - timedelta(days=3)).isoformat()
    assert document.xpath("//sm:lastmod/text()", namespaces=NS) == [expected]


def test_google_news_sitemap_lists_the_last_48_hours_with_publication_and_language(
    client, section, masthead
):
    recent = ArticleFactory(section=section, headline="خبر اليوم <عاجل> & مهم")
    ArticleFactory(section=section, published_at=timezone.now() - timedelta(hours=49))
    news = valid_xml(client, reverse("articles:news_sitemap"), urlset_with_news_schema())
    assert locations(news) == [f"http://testserver{recent.get_absolute_url()}"]
    assert news.xpath("//news:publication/news:name/text()", namespaces=NEWS) == ["الصحيفة"]
    assert news.xpath("//news:publication/news:language/text()", namespaces=NEWS) == ["ar"]
    assert news.xpath("//news:title/text()", namespaces=NEWS) == ["خبر اليوم <عاجل> & مهم"]


def test_news_schema_really_rejects_a_malformed_news_entry():
    broken = f"""<urlset xmlns="{NS["sm"]}" xmlns:news="{NEWS["news"]}"><url>
      <loc>http://testserver/a/</loc><news:news><news:title>x</news:title></news:news>
    </url></urlset>"""
    assert not urlset_with_news_schema().validate(etree.fromstring(broken.encode()))


def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines
