"""`manage.py load_demo` fills an empty paper once, and never touches a paper that has content.

`make run` and `make serve` run it on every start, so a re-run must leave the desk's work alone:
an edited masthead, section, editor or story stays as edited, and a deleted one stays deleted.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article, Editor, Masthead, Section
from articles.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

SEED_HEADLINE = "هيئة الأركان العسكرية للناتو تؤكد دعم التعاون العسكري المشترك مع باكستان"


def load_demo(verbosity=0) -> str:
    out = StringIO()
    call_command("load_demo", verbosity=verbosity, stdout=out)
    return out.getvalue()


def test_an_empty_database_gets_the_whole_demo_paper():
    output = load_demo(verbosity=1)
    assert Section.objects.count() == 6
    assert Editor.objects.filter(is_editor_in_chief=True).get().name == "محمد الباز"
    assert Article.objects.published().filter(headline=SEED_HEADLINE).exists()
    assert Masthead.load().site_name == "الصحيفة"
    assert "Demo content loaded" in output


def test_a_masthead_made_by_the_first_page_view_still_gets_the_demo_name(client):
    client.get("/")  # the first page view creates the masthead row with the model's defaults
    assert Masthead.objects.get().site_name == "غرفة الأخبار"
    load_demo()
    assert Masthead.load().site_name == "الصحيفة"
    assert Masthead.load().tagline == "جريدة يومية مستقلة"


def test_an_edited_masthead_is_kept_when_the_demo_fills_an_empty_paper():
    masthead = Masthead.load()
    masthead.site_name = "الأهرام المسائي"
    masthead.save()
    load_demo()
    assert Section.objects.exists()
    assert Masthead.load().site_name == "الأهرام المسائي"
    assert Masthead.load().tagline == ""


def test_a_rerun_keeps_the_edited_masthead():
    load_demo()
    masthead = Masthead.load()
    masthead.site_name = "جريدة الغد"
    masthead.chief_role_label = "رئيس التحرير"
    masthead.save()
    load_demo()
    assert Masthead.load().site_name == "جريدة الغد"
    assert Masthead.load().chief_role_label == "رئيس التحرير"


def test_a_rerun_keeps_an_edited_section_and_brings_back_no_deleted_one():
    load_demo()
    economy = Section.objects.get(slug="اقتصاد")
    economy.name = "المال والأعمال"
    economy.nav_position = 1
    economy.save()
    culture = Section.objects.get(slug="ثقافة")
    culture.articles.all().delete()
    culture.delete()
    load_demo()
    economy.refresh_from_db()
    assert (economy.name, economy.nav_position) == ("المال والأعمال", 1)
    assert not Section.objects.filter(slug="ثقافة").exists()


def test_a_rerun_keeps_an_edited_editor_and_the_new_chief():
    load_demo()
    old_chief = Editor.objects.get(is_editor_in_chief=True)
    old_chief.is_editor_in_chief = False
    old_chief.bio = "سيرة كتبها المحرر"
    old_chief.save()
    Editor.objects.filter(slug="سارة-عبد-الحميد").update(is_editor_in_chief=True)
    load_demo()
    old_chief.refresh_from_db()
    assert not old_chief.is_editor_in_chief
    assert old_chief.bio == "سيرة كتبها المحرر"
    assert Editor.objects.get(is_editor_in_chief=True).slug == "سارة-عبد-الحميد"


def test_a_rerun_brings_back_no_retitled_or_deleted_story():
    load_demo()
    count = Article.objects.count()
    seed = Article.objects.get(headline=SEED_HEADLINE)
    seed.headline = "عنوان جديد كتبه الديسك"
    seed.save()
    deleted = Article.objects.exclude(pk=seed.pk).first()
    deleted_headline = deleted.headline
    deleted.delete()
    load_demo()
    assert Article.objects.count() == count - 1
    assert not Article.objects.filter(headline=SEED_HEADLINE).exists()
    assert Article.objects.get(pk=seed.pk).headline == "عنوان جديد كتبه الديسك"
    assert not Article.objects.filter(headline=deleted_headline).exists()


def test_a_rerun_leaves_a_withdrawn_story_withdrawn():
    load_demo()
    seed = Article.objects.get(headline=SEED_HEADLINE)
    Article.objects.filter(pk=seed.pk).update(status=Article.Status.WITHDRAWN)
    load_demo()
    seed.refresh_from_db()
    assert seed.status == Article.Status.WITHDRAWN


def test_a_paper_with_only_its_own_section_gets_no_demo_and_is_told_so():
    SectionFactory(name="محليات", slug="محليات")
    output = load_demo(verbosity=1)
    assert list(Section.objects.values_list("slug", flat=True)) == ["محليات"]
    assert not Editor.objects.exists()
    assert not Article.objects.exists()
    assert "not loaded" in output


def test_a_rerun_is_silent_at_verbosity_zero():
    load_demo()
    assert load_demo(verbosity=0) == ""
