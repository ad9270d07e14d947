"""Each article offers sharing with its short link: plain links, no script of theirs."""

from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from django.templatetags.static import static
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from articles.web import frame

pytestmark = pytest.mark.django_db

HTML = "{http://www.w3.org/1999/xhtml}"


def share_section(response):
    document = html5lib.parse(response.content.decode())
    sections = [
        section for section in document.iter(f"{HTML}section") if section.get("class") == "share"
    ]
    assert len(sections) == 1, "one sharing block per article"
    return sections[0]


def links_of(section) -> dict[str, str]:
    return {
        "".join(link.itertext()).strip(): link.get("href")
        for link in section.iter(f"{HTML}a")
        if "share__link" in (link.get("class") or "")
    }


def test_article_offers_sharing_with_the_short_link(client, published_article):
    short = "http://testserver" + reverse(
        "articles:short_link", kwargs={"pk": published_article.pk}
    )
    title = published_article.share_title
    section = share_section(client.get(published_article.get_absolute_url()))

    links = links_of(section)
    assert set(links) == {"واتساب", "تيليجرام", "فيسبوك", "إكس"}
    whatsapp, telegram = urlsplit(links["واتساب"]), urlsplit(links["تيليجرام"])
    facebook, x = urlsplit(links["فيسبوك"]), urlsplit(links["إكس"])
    assert (whatsapp.netloc, whatsapp.path) == ("wa.me", "/")
    assert parse_qs(whatsapp.query) == {"text": [f"{title} {short}"]}
    assert (telegram.netloc, telegram.path) == ("t.me", "/share/url")
    assert parse_qs(telegram.query) == {"url": [short], "text": [title]}
    assert (facebook.netloc, facebook.path) == ("www.facebook.com", "/sharer/sharer.php")
    assert parse_qs(facebook.query) == {"u": [short]}
    assert (x.netloc, x.path) == ("twitter.com", "/intent/tweet")
    assert parse_qs(x.query) == {"url": [short], "text": [title]}
    for link in section.iter(f"{HTML}a"):
        if link.get("target") == "_blank":
            assert "noopener" in link.get("rel")

    # Copy-link and the share sheet wait, hidden, for the site's script to find them supported.
    buttons = {button.get("data-share"): button for button in section.iter(f"{HTML}button")}
    assert set(buttons) == {"copy", "native"}
    for button in buttons.values():
        assert button.get("data-share-url") == short
        assert button.get("hidden") is not None
        assert button.get("type") == "button"
    # Without the script, the short link is there to copy by hand.
    assert short in "".join(section.itertext())


def test_sharing_uses_the_social_title_and_never_the_long_address(client, section, masthead):
    article = ArticleFactory(section=section, social_title="عنوان للمشاركة على الشبكات")
    response = client.get(article.get_absolute_url())
    links = links_of(share_section(response))
    assert "عنوان للمشاركة على الشبكات" in parse_qs(urlsplit(links["إكس"]).query)["text"]
    for href in links.values():
        assert "/article/" not in href


def test_the_share_script_comes_from_our_own_origin(client, published_article):
    html = client.get(published_article.get_absolute_url()).content.decode()
    document = html5lib.parse(html)
    scripts = [s for s in document.iter(f"{HTML}script") if s.get("type") != "application/ld+json"]
    assert [urlsplit(s.get("src")).path for s in scripts] == [
        static(name) for name in frame.SITE_SCRIPTS
    ]
    assert all(s.get("src").startswith("/static/") for s in scripts)


def test_the_desk_preview_offers_no_sharing(client_of, reporter, draft_article):
    response = client_of(reporter).get(reverse("articles:preview", kwargs={"pk": draft_article.pk}))
    assert response.status_code == 200
    assert 'class="share"' not in response.content.decode()
