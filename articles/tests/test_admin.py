import re

import pytest
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from articles.models import Alert, Article, Editor, LiveEntry, Masthead, Tag
from articles.tests.admin_forms import article_form_data, change_url, open_change_form, save_article
from articles.tests.factories import ArticleFactory, EditorFactory, jpeg_upload


def admin_url(model, action, *args):
    return reverse(f"admin:articles_{model._meta.model_name}_{action}", args=args)


@pytest.mark.django_db
def test_every_admin_changelist_and_form_loads(staff_client, published_article):
    """Django ignores misspelled admin options silently; loading each page catches them."""
    objects = {
        Article: published_article,
        Editor: published_article.authors.first(),
        type(published_article.section): published_article.section,
        Masthead: Masthead.load(),
        Tag: Tag.objects.create(name="الشرق الأوسط"),
        Alert: Alert.objects.create(article=published_article, title="عاجل"),
        LiveEntry: LiveEntry.objects.create(article=published_article, body="<p>تدوينة</p>"),
    }
    for model in admin.site._registry:
        if model._meta.app_label != "articles":
            continue
        assert staff_client.get(admin_url(model, "changelist")).status_code == 200, model
        obj = objects[model]
        assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200, model
        # The masthead row exists already; an alert is sent from its story, never added here.
        expected_add = 403 if model in (Masthead, Alert) else 200
        assert staff_client.get(admin_url(model, "add")).status_code == expected_add, model


@pytest.mark.django_db
def test_admin_is_arabic_and_right_to_left(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert 'lang="ar"' in html
    assert 'dir="rtl"' in html


@pytest.mark.django_db
def test_admin_sidebar_names_every_app_in_arabic(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    captions = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert len(captions) >= 4
    # «Axes», «Otp_Static» and «Otp_Totp» were the libraries' own labels, in Latin letters.
    assert [c for c in captions if re.search(r"[A-Za-z]", c)] == []
    assert "محاولات الدخول والحظر" in captions


@pytest.mark.django_db
def test_article_changelist_shows_thumbnail_status_section_and_authors(
    staff_client, section, masthead
):
    author = EditorFactory(name="منى السيد")
    ArticleFactory(section=section, authors=[author], headline="خبر القائمة")
    html = staff_client.get(admin_url(Article, "changelist")).content.decode()
    for text in ["خبر القائمة", "منشور", section.name, "منى السيد"]:
        assert text in html


@pytest.mark.django_db
def test_editor_adds_and_publishes_an_article_with_photo_and_two_authors(
    staff_client, section, masthead
):
    first, second = EditorFactory(name="أحمد"), EditorFactory(name="سارة")
    response = staff_client.post(
        admin_url(Article, "add"),
        {
            "headline": "خبر جديد من لوحة التحرير",
            "slug": "خبر-جديد-من-لوحة-التحرير",
            "kicker": "عاجل",
            "dek": "ملخص",
            "body": "<p>متن <strong>مهم</strong></p><script>alert(1)</script>",
            "lead_image": jpeg_upload(),
            "lead_image_alt": "صورة من موقع الحدث",
            "lead_image_caption": "من موقع الحدث",
            "lead_image_credit": "تصوير الصحيفة",
            "section": section.pk,
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "bylines-TOTAL_FORMS": "2",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-editor": second.pk,
            "bylines-0-position": "0",
            "bylines-1-editor": first.pk,
            "bylines-1-position": "1",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    article = Article.objects.get()
    assert article.ordered_authors() == [second, first]
    assert article.lead_image.name.startswith("articles/")
    assert "<script" not in article.body
    reader = staff_client.get(article.get_absolute_url())
    assert reader.status_code == 200
    assert "خبر جديد من لوحة التحرير" in reader.content.decode()


@pytest.mark.django_db
def test_second_editor_in_chief_gets_a_form_message_not_an_error_page(staff_client, chief):
    response = staff_client.post(
        admin_url(Editor, "add"),
        {"name": "رئيس آخر", "slug": "رئيس-آخر", "job_title": "", "is_editor_in_chief": "on"},
    )
    assert response.status_code == 200
    assert "يوجد رئيس تحرير بالفعل" in response.content.decode()
    assert "رئيس آخر" in response.content.decode()  # the typed name stays in the form
    assert Editor.objects.filter(is_editor_in_chief=True).count() == 1


@pytest.mark.django_db
def test_article_form_uses_ckeditor_with_arabic_rtl_config(staff_client):
    html = staff_client.get(admin_url(Article, "add")).content.decode()
    assert "ckeditor" in html
    assert "&quot;contentsLangDirection&quot;: &quot;rtl&quot;" in html
    assert "&quot;language&quot;: &quot;ar&quot;" in html


@pytest.mark.django_db
def test_change_form_links_to_the_article_on_the_site(staff_client, published_article):
    html = staff_client.get(admin_url(Article, "change", published_article.pk)).content.decode()
    assert "مشاهدة على الموقع" in html


@pytest.mark.django_db
def test_ckeditor_image_upload_is_refused_to_anonymous_visitors(client, media_in_tmp):
    response = client.post(reverse("ckeditor_upload"), {"upload": jpeg_upload()})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*.jpg"))


@pytest.mark.django_db
def test_masthead_is_a_single_row_that_cannot_be_added_twice_or_deleted(staff_client, masthead):
    assert staff_client.get(admin_url(Masthead, "add")).status_code == 403
    assert staff_client.get(admin_url(Masthead, "delete", masthead.pk)).status_code == 403


@pytest.mark.django_db
def test_article_history_version_compare_and_share_pages_load(staff_client, published_article):
    save_article(staff_client, published_article, headline="نسخة ثانية")
    version = Version.objects.get_for_object(published_article).get()
    pk = published_article.pk
    for url in [
        admin_url(Article, "history", pk),
        admin_url(Article, "revision", pk, version.pk),
        admin_url(Article, "compare", pk) + f"?old={version.pk}&new={version.pk}",
        admin_url(Article, "share_preview", pk),
    ]:
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_boxes_without_a_visible_label_of_their_own_are_named_for_screen_readers(
    staff_client, published_article
):
    """The split date and time boxes and each byline row's boxes sit under one shared label or
    a column heading; each gets its own name (the autocompletes' script reads the byline's)."""
    html = staff_client.get(admin_url(Article, "change", published_article.pk)).content.decode()
    for box, name in [
        ("id_published_at_0", "تاريخ النشر"),
        ("id_published_at_1", "ساعة النشر"),
        ("id_pinned_until_0", "تاريخ انتهاء التثبيت"),
        ("id_pinned_until_1", "ساعة انتهاء التثبيت"),
        ("id_bylines-0-editor", "الكاتب"),
        ("id_bylines-0-position", "ترتيب الكاتب"),
        ("id_bylines-0-DELETE", "احذف الكاتب من الخبر"),
        ("id_bylines-1-editor", "الكاتب"),
    ]:
        tag = re.search(rf'<[^>]* id="{re.escape(box)}"[^>]*>', html)
        assert tag, f"no {box} in the form"
        assert f'aria-label="{name}"' in tag.group(0), tag.group(0)
    assert "articles/admin/autocomplete_names.js" in html


@pytest.mark.django_db
def test_save_as_new_with_a_form_error_shows_the_form_again_with_the_error_and_the_typed_text(
    client_of, desk_editor, published_article
):
    """The article admin offers no «save as new» button (save_as is off: the desk never copies
    a story), but Django still takes a hand-made `_saveasnew` as an addition."""
    assert not admin.site._registry[Article].save_as
    client = client_of(desk_editor)
    token = open_change_form(client, published_article)
    data = article_form_data(
        published_article, opened_at=token, headline="", dek="ملخص كتبته للتو", _saveasnew="1"
    )
    response = client.post(change_url(published_article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "هذا الحقل مطلوب" in html
    assert "ملخص كتبته للتو" in html
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_save_as_new_goes_through_the_workflow_like_any_new_story(
    client_of, reporter, published_article
):
    client = client_of(reporter)
    data = article_form_data(published_article, headline="نسخة المراسلة", _saveasnew="1")
    response = client.post(change_url(published_article), data)
    assert response.status_code == 200  # a reporter may not publish: the status is refused
    assert "status" in response.context["adminform"].form.errors
    assert Article.objects.count() == 1
    data["status"] = Article.Status.DRAFT
    response = client.post(change_url(published_article), data)
    assert response.status_code == 302
    copy = Article.objects.get(headline="نسخة المراسلة")
    assert (copy.status, copy.created_by) == (Article.Status.DRAFT, reporter)
    assert copy.pk != published_article.pk
