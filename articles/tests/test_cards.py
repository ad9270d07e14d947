"""The story card lists repeat: what a reader sees of each story on home, section and tag pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from lxml import html as lxml_html

from articles.cards import byline_html, card_html
from articles.dates import to_arabic_indic

from .factories import ArticleFactory, EditorFactory, jpeg_upload

pytestmark = pytest.mark.django_db


def test_byline_joins_names_the_arabic_way():
    first, second, third = (EditorFactory(name=name) for name in ("منى", "أحمد", "سارة"))
    assert byline_html([]) == ""
    text = lxml_html.fromstring(byline_html([first, second, third])).text_content()
    assert text == "منى، أحمد وسارة"
    assert lxml_html.fromstring(byline_html([first, second])).text_content() == "منى وأحمد"


def test_card_escapes_what_the_desk_typed(section):
    article = ArticleFactory(section=section, headline='<script>alert("x")</script> & عنوان')
    card = card_html(article)
    assert "<script>" not in card
    assert "&lt;script&gt;" in card and "&amp; عنوان" in card


def test_lead_card_is_a_larger_heading_with_its_dek_and_an_eager_picture(section):
    article = ArticleFactory(section=section, dek="ملخص الخبر", lead_image=jpeg_upload())
    lead = lxml_html.fromstring(card_html(article, large=True))
    plain = lxml_html.fromstring(card_html(article))
    assert lead.find(".//h2").text_content() == article.headline
    assert "ملخص الخبر" in lead.text_content() and "ملخص الخبر" not in plain.text_content()
    assert lead.find(".//img").get("fetchpriority") == "high"
    assert plain.find(".//img").get("loading") == "lazy"
    assert plain.find(".//h3/a").get("href") == article.get_absolute_url()


def test_card_date_reads_in_the_papers_time_zone_and_digits(section):
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    article = ArticleFactory(section=section, published_at=moment)
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    time = lxml_html.fromstring(card_html(article, arabic_indic=True)).find(".//time")
    assert time.get("datetime") == local.strftime("%Y-%m-%dT%H:%M:%S%z")
    assert time.text_content() == f"{to_arabic_indic(str(local.day))} مارس ٢٠٢٦"
