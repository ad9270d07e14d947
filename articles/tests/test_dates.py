from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from articles.dates import hijri_date, newsroom_date
from articles.models import Masthead
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NATO_DAY = datetime(2021, 11, 25, 14, 30, tzinfo=ZoneInfo("Africa/Cairo"))


def article_page(client, section):
    article = ArticleFactory(section=section, published_at=NATO_DAY)
    html = client.get(article.get_absolute_url()).content.decode()
    return html[html.index('<p class="article__meta">') :]


def test_hijri_date_of_a_gregorian_day_uses_arabic_month_names():
    assert hijri_date(date(2021, 11, 25)) == "20 ربيع الثاني 1443 هـ"
    assert hijri_date(NATO_DAY) == "20 ربيع الثاني 1443 هـ"


def test_dates_outside_the_hijri_tables_show_only_the_gregorian_date():
    assert hijri_date(date(1900, 1, 1)) == ""
    assert newsroom_date(date(1900, 1, 1), "j F Y", with_hijri=True) == "1 يناير 1900"


def test_article_date_has_arabic_month_and_no_hijri_by_default(client, section, masthead):
    meta = article_page(client, section)
    assert "الخميس 25 نوفمبر 2021، 14:30" in meta
    assert "ربيع الثاني" not in meta


def test_masthead_setting_shows_the_hijri_date_beside_the_gregorian_one(client, section, masthead):
    Masthead.objects.update(show_hijri_date=True)
    meta = article_page(client, section)
    assert "الخميس 25 نوفمبر 2021، 14:30، 20 ربيع الثاني 1443 هـ" in meta
    header = client.get("/").content.decode().split('<p class="masthead__date">')[1]
    assert "هـ" in header.split("</p>")[0]


def test_masthead_setting_writes_dates_in_arabic_indic_digits(client, section, masthead):
    Masthead.objects.update(use_arabic_indic_digits=True, show_hijri_date=True)
    meta = article_page(client, section)
    assert "الخميس ٢٥ نوفمبر ٢٠٢١، ١٤:٣٠، ٢٠ ربيع الثاني ١٤٤٣ هـ" in meta
    assert 'datetime="2021-11-25T14:30:00+0200"' in meta  # machines still read ASCII
    home = client.get("/").content.decode()
    assert "٢٠٢١" in home  # the card's date too


def test_site_digits_filter_follows_the_masthead():
    template = Template("{% load newsroom %}{{ 2021|site_digits:masthead }}")
    assert template.render(Context({"masthead": Masthead(use_arabic_indic_digits=True)})) == "٢٠٢١"
    assert template.render(Context({"masthead": Masthead()})) == "2021"
