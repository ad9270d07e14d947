from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri, uri_to_iri
from lxml import html as lxml_html

from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory

CREDIT = "رئيس مجلسي الإدارة والتحرير: محمد الباز"


def header_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<header") : html.index("</header>")]


@pytest.fixture
def public_urls(published_article):
    editor = published_article.authors.first()
    return [
        reverse("articles:home"),
        published_article.section.get_absolute_url(),
        published_article.get_absolute_url(),
        editor.get_absolute_url(),
    ]


def test_every_public_page_is_rtl_arabic_with_the_chief_credit_in_its_header(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="ar" dir="rtl">' in response.content.decode()
        assert CREDIT in header_of(response), url


def test_header_credit_follows_the_data_not_the_template(client, published_article, chief):
    chief.name = "رئيسة جديدة"
    chief.save()
    assert "رئيس مجلسي الإدارة والتحرير: رئيسة جديدة" in header_of(client.get("/"))


def site_bar_of(response) -> str:
    """The sticky bar under the masthead: the phone's menu and the wider screens' row."""
    html = response.content.decode()
    return html[html.index('<div class="site-bar">') : html.index("<main")]


def test_header_lists_sections_shown_in_navigation_only(client, published_article, section):
    hidden = type(section).objects.create(name="قسم مخفي", show_in_nav=False)
    bar = site_bar_of(client.get("/"))
    # Listed twice: in the phone's menu and in the row wider screens show.
    assert bar.count(f">{section.name}</a>") == 2
    assert hidden.name not in bar


def test_article_page_shows_kicker_headline_dek_byline_and_arabic_date(client, section, masthead):
    author = EditorFactory(name="سارة عبد الحميد")
    article = ArticleFactory(
        section=section,
        kicker="في بروكسل",
        headline="الناتو وباكستان",
        dek="خطة عمل للعام المقبل",
        authors=[author],
        published_at=timezone.now().replace(month=11, day=25) - timedelta(days=365),
    )
    response = client.get(article.get_absolute_url())
    for text in ["في بروكسل", "الناتو وباكستان", "خطة عمل للعام المقبل", "نوفمبر"]:
        assert text in response.content.decode()
    assert f'href="{uri_to_iri(author.get_absolute_url())}"' in response.content.decode()


@pytest.mark.parametrize("in_navigation", [True, False])
def test_article_page_names_and_links_its_section_shown_in_navigation_or_not(
    client, masthead, in_navigation
):
    section = SectionFactory(name="ملفات خاصة", show_in_nav=in_navigation)
    page = client.get(ArticleFactory(section=section).get_absolute_url()).content.decode()
    assert f'<a href="{uri_to_iri(section.get_absolute_url())}">ملفات خاصة</a>' in page


@pytest.mark.parametrize("in_navigation", [True, False])
def test_section_page_lists_its_stories_shown_in_navigation_or_not(client, masthead, in_navigation):
    section = SectionFactory(name="ملفات خاصة", show_in_nav=in_navigation)
    story = ArticleFactory(section=section)
    page = client.get(section.get_absolute_url()).content.decode()
    assert "<h1" in page and "ملفات خاصة" in page
    assert uri_to_iri(story.get_absolute_url()) in page


def test_links_write_arabic_addresses_in_letters_that_a_browser_follows_to_the_page(
    client, masthead
):
    section = SectionFactory(name="الرياضة")
    story = ArticleFactory(
        section=section, headline="فوز الأهلي", authors=[EditorFactory(name="منى سالم")]
    )
    home = lxml_html.fromstring(client.get("/").content.decode())
    links = {a.text_content(): a.get("href") for a in home.iter("a")}
    # Letters take a third of the bytes of their percent-encoding, on every link of every card.
    assert links["فوز الأهلي"] == f"/article/{story.pk}/فوز-الأهلي/"
    assert links["منى سالم"] == "/editor/منى-سالم/"
    assert links["الرياضة"] == "/section/الرياضة/"
    for href in (links["فوز الأهلي"], links["منى سالم"], links["الرياضة"]):
        # A browser percent-encodes the letters as UTF-8 when it follows the link.
        assert client.get(iri_to_uri(href)).status_code == 200, href
    # Addresses read outside a page's links stay ASCII.
    article_page = client.get(story.get_absolute_url()).content.decode()
    assert f'rel="canonical" href="http://testserver{story.get_absolute_url()}"' in article_page
    assert story.get_absolute_url().isascii()


def test_draft_is_404_for_readers_and_never_listed(client, draft_article, published_article):
    assert client.get(draft_article.get_absolute_url()).status_code == 404
    editor = draft_article.authors.first()
    for url in ["/", draft_article.section.get_absolute_url(), editor.get_absolute_url()]:
        assert draft_article.headline not in client.get(url).content.decode(), url


def test_story_scheduled_for_later_stays_hidden_until_its_minute(client, section, masthead):
    article = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.headline not in client.get("/").content.decode()


def test_wrong_slug_redirects_permanently_to_the_canonical_address(client, published_article):
    url = reverse("articles:article", kwargs={"pk": published_article.pk, "slug": "قديم"})
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == published_article.get_absolute_url()


def test_home_has_lead_latest_and_a_block_per_section(client, section, masthead):
    older = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=1))
    lead = ArticleFactory(section=section)
    html = client.get("/").content.decode()
    assert 'aria-label="الخبر الرئيسي"' in html
    assert html.index(lead.headline) < html.index(older.headline)
    # Both stories stand in the latest news already: the section has no block to repeat them.
    assert f'id="section-{section.pk}"' not in html
    ArticleFactory.create_batch(
        10, section=section, published_at=timezone.now() - timedelta(days=2)
    )
    html = client.get("/").content.decode()
    assert f'id="section-{section.pk}"' in html


def test_each_section_block_shows_its_own_newest_stories_not_already_in_the_latest_news(
    client, masthead
):
    busy, quiet = SectionFactory(), SectionFactory()
    now = timezone.now()
    quiet_stories = [
        ArticleFactory(section=quiet, published_at=now - timedelta(days=2, hours=hour))
        for hour in range(6)
    ]
    busy_stories = [
        ArticleFactory(section=busy, published_at=now - timedelta(minutes=minute + 1))
        for minute in range(15)
    ]
    page = client.get("/").context
    assert [story.pk for story in page["latest"]] == [story.pk for story in busy_stories[1:10]]
    assert page["lead"].pk == busy_stories[0].pk
    blocks = {section.pk: stories for section, stories in page["section_blocks"]}
    assert [story.pk for story in blocks[quiet.pk]] == [story.pk for story in quiet_stories[:4]]
    # The busy section's ten newest lead the page and fill the latest news: its block goes on
    # with the next four, so none of them appears twice.
    assert [story.pk for story in blocks[busy.pk]] == [story.pk for story in busy_stories[10:14]]


def test_section_page_paginates(client, section, masthead, settings):
    settings.NEWSROOM_SECTION_PAGE_SIZE = 2
    ArticleFactory.create_batch(3, section=section)
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url() + "?page=2")
    assert len(first.context["articles"]) == 2
    assert len(second.context["articles"]) == 1
    assert "صفحة 1 من 2" in first.content.decode()


def test_unknown_address_gets_the_arabic_404_page(client, masthead):
    response = client.get("/لا-يوجد/")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()
    assert 'dir="rtl"' in response.content.decode()


def test_server_error_gets_the_arabic_500_page(db, settings):
    settings.ROOT_URLCONF = "articles.tests.urls_failing"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "حدث خطأ غير متوقع" in response.content.decode()


def test_story_in_review_is_404_like_a_draft_and_never_listed(client, section, masthead):
    article = ArticleFactory(section=section, in_review=True, headline="قيد المراجعة السرية")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.headline not in client.get("/").content.decode()
    assert article.headline not in client.get(section.get_absolute_url()).content.decode()


def test_withdrawn_story_is_gone_not_missing(client, section, masthead):
    article = ArticleFactory(section=section, withdrawn=True)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "سُحب هذا الخبر" in response.content.decode()
    assert CREDIT in header_of(response)
