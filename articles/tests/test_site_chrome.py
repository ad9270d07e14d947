"""What frames every public page: the footer's staff credits and the breaking-news strip."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory

from .factories import ArticleFactory, EditorFactory


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
        assert f'href="{story.get_absolute_url()}"' in html
        assert story.headline in html


def test_every_page_names_the_site_icon_and_favicon_ico_leads_to_it(client, published_article):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/articles/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/articles/favicon.png"
    assert finders.find("articles/favicon.png") and finders.find("articles/favicon.svg")
