"""What frames every public page: the footer's staff credits and the breaking-news strip."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.encoding import uri_to_iri

from articles.tests.factories import ArticleFactory, EditorFactory, SectionFactory


def footer_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer"') : html.index("</footer>")]


def test_footer_credits_the_staff_with_their_titles_chief_first(client, published_article, chief):
    EditorFactory(name="أحمد فؤاد", job_title="مدير التحرير")
    EditorFactory(name="بلا صفة", job_title="")
    footer = footer_of(client.get("/"))
    assert "أسرة التحرير" in footer
    assert footer.index("رئيس التحرير") < footer.index(chief.name) < footer.index("مدير التحرير")
    assert "أحمد فؤاد" in footer
    assert "بلا صفة" not in footer


def test_footer_staff_credits_follow_the_data(client, published_article, chief):
    chief.job_title = "رئيس مجلس الإدارة"
    chief.save()
    assert "رئيس مجلس الإدارة" in footer_of(client.get("/"))


def test_breaking_strip_is_absent_when_nothing_is_breaking(client, published_article):
    assert "breaking-strip" not in client.get("/").content.decode()


def test_breaking_strip_links_each_breaking_story(db, section, masthead):
    stories = ArticleFactory.create_batch(2, section=section)
    html = render_to_string(
        "includes/breaking_strip.html",
        {"breaking_news": stories},
        request=RequestFactory().get("/"),
    )
    assert 'class="breaking-strip"' in html
    assert "عاجل" in html
    for story in stories:
        assert f'href="{uri_to_iri(story.get_absolute_url())}"' in html
        assert story.headline in html


def test_every_page_names_the_site_icon_and_favicon_ico_leads_to_it(client, published_article):
    html = client.get("/").content.decode()
    assert (
        '<link rel="icon" href="/static/articles/favicon.svg" type="image/svg+xml" sizes="any">'
        in html
    )
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/articles/favicon.png"
    assert finders.find("articles/favicon.png") and finders.find("articles/favicon.svg")


def nav_of(response) -> str:
    html = response.content.decode()
    start = html.index('<nav class="sections-nav"')
    return html[start : html.index("</nav>", start)]


def current_in(nav: str) -> str:
    """The name of the nav link marked as the reader's place."""
    marked = nav[: nav.index('aria-current="')]
    return nav[nav.index(">", len(marked)) + 1 :].split("<", 1)[0]


def test_every_page_marks_its_own_place_in_the_shared_header(client, published_article, section):
    other = ArticleFactory(section=SectionFactory(name="رياضة"))
    assert current_in(nav_of(client.get(section.get_absolute_url()))) == section.name
    assert current_in(nav_of(client.get(other.section.get_absolute_url()))) == "رياضة"
    assert current_in(nav_of(client.get(other.get_absolute_url()))) == "رياضة"
    assert current_in(nav_of(client.get("/"))) == "الرئيسية"


def test_the_header_date_turns_at_midnight_and_a_renamed_section_shows_at_once(
    client, published_article, section, time_machine
):
    time_machine.move_to(datetime(2026, 3, 1, 23, 59, tzinfo=ZoneInfo(settings.TIME_ZONE)))
    assert '<time datetime="2026-03-01">' in client.get("/search/?q=x").content.decode()
    time_machine.shift(timedelta(minutes=2))
    assert '<time datetime="2026-03-02">' in client.get("/search/?q=y").content.decode()
    section.name = "أخبار محلية"
    section.save()
    assert "أخبار محلية" in nav_of(client.get("/search/?q=z"))


def test_the_phone_menu_holds_search_and_every_section_without_javascript(
    client, published_article, section
):
    other = SectionFactory(name="رياضة")
    html = client.get(other.get_absolute_url()).content.decode()
    menu = html[html.index('<details class="site-menu">') : html.index("</details>")]
    assert "<summary" in menu and "الأقسام والبحث" in menu
    assert 'role="search"' in menu and 'id="menu-search-q"' in menu
    for name in ["الرئيسية", section.name, "رياضة"]:
        assert f">{name}</a>" in menu
    assert current_in(menu) == "رياضة"
    # The bar that holds it stays reachable while reading (site.css: position: sticky).
    assert html.index("</header>") < html.index('<div class="site-bar">') < html.index("<main")
