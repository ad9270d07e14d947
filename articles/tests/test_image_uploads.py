"""Every image path accepts real photos only, says why in Arabic, and leaves nothing behind."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image, ImageFile

from articles import images
from articles.models import Article, Editor
from articles.tests import crafted_images as crafted
from articles.tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "ليس صورة JPEG أو PNG أو WebP أو GIF صالحة"
DAMAGED = "الصورة تالفة أو ناقصة"
EMPTY = "الملف فارغ"
TOO_LARGE = "والحد الأقصى"
TOO_MANY_PIXELS = "أكبر من الحد المسموح"

REFUSALS = [
    pytest.param(lambda: crafted.impostor("svg"), NOT_AN_IMAGE, id="svg-renamed-jpg"),
    pytest.param(lambda: crafted.impostor("html"), NOT_AN_IMAGE, id="html-renamed-jpg"),
    pytest.param(lambda: crafted.impostor("pdf"), NOT_AN_IMAGE, id="pdf-renamed-jpg"),
    pytest.param(lambda: crafted.impostor("shell script"), NOT_AN_IMAGE, id="script-renamed-jpg"),
    pytest.param(lambda: crafted.impostor("php script"), NOT_AN_IMAGE, id="php-renamed-jpg"),
    pytest.param(lambda: crafted.truncated(crafted.jpeg()), DAMAGED, id="truncated-jpeg"),
    pytest.param(lambda: crafted.truncated(crafted.png()), DAMAGED, id="truncated-png"),
    pytest.param(lambda: crafted.upload("empty.jpg", b""), EMPTY, id="zero-bytes"),
    pytest.param(crafted.decompression_bomb_png, TOO_MANY_PIXELS, id="decompression-bomb"),
    pytest.param(
        lambda: crafted.upload("scan.tiff", crafted.image_bytes("TIFF")),
        "غير مقبول",
        id="tiff-not-allowed",
    ),
    pytest.param(
        lambda: crafted.upload("scan.jpg", crafted.image_bytes("BMP")),
        NOT_AN_IMAGE,
        id="bmp-renamed-jpg",
    ),
]


def test_default_limits_are_ten_megabytes_and_pillow_uses_our_pixel_limit(settings):
    assert settings.NEWSROOM_IMAGE_MAX_BYTES == 10 * 1024 * 1024
    assert Image.MAX_IMAGE_PIXELS == settings.NEWSROOM_IMAGE_MAX_PIXELS


@pytest.mark.parametrize(
    "make", [crafted.jpeg, crafted.png, crafted.webp, crafted.gif, crafted.camera_jpeg]
)
def test_real_images_in_every_allowed_format_are_accepted(make):
    upload = make()
    facts = images.validate_image_upload(upload)
    assert facts.format in images.ALLOWED_FORMATS
    assert upload.tell() == 0  # ready to be saved as it came


@pytest.mark.parametrize(("make", "message"), REFUSALS)
def test_bad_files_are_refused_with_an_arabic_reason(make, message):
    with pytest.raises(ValidationError) as refusal:
        images.validate_image_upload(make())
    assert message in refusal.value.messages[0]


def test_file_over_the_size_limit_is_refused_with_its_size(settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 20_000
    noisy = crafted.upload("big.png", _noise_png(200, 200))
    assert noisy.size > 20_000
    with pytest.raises(ValidationError, match=TOO_LARGE):
        images.validate_image_upload(noisy)


def test_pixel_limit_comes_from_settings_and_names_the_dimensions(settings):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as refusal:
        images.validate_image_upload(crafted.png(size=(200, 100)))
    assert "200×100" in refusal.value.messages[0]


def test_decompression_bomb_is_refused_from_its_header_without_decoding(monkeypatch):
    def never_decode(self):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never_decode)
    with pytest.raises(ValidationError, match=TOO_MANY_PIXELS):
        images.validate_image_upload(crafted.decompression_bomb_png())
    # Just over our limit but under Pillow's hard stop (twice the limit): still refused.
    with pytest.raises(ValidationError, match=TOO_MANY_PIXELS):
        images.validate_image_upload(crafted.decompression_bomb_png(width=10_000, height=6_000))


def _noise_png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


# --- Through the admin forms --------------------------------------------------------------


def article_form(section, editor, lead_image):
    return {
        "headline": "خبر بصورة مرفوضة",
        "slug": "",
        "kicker": "",
        "dek": "",
        "body": "<p>متن طويل كتبه المحرر ولا يجوز أن يضيع.</p>",
        "lead_image": lead_image,
        "lead_image_alt": "وصف",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "section": section.pk,
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-editor": editor.pk,
        "bylines-0-position": "0",
    }


@pytest.mark.parametrize(("make", "message"), REFUSALS)
def test_refused_lead_image_shows_the_reason_keeps_the_text_and_stores_nothing(
    staff_client, section, media_in_tmp, make, message
):
    editor = EditorFactory()
    response = staff_client.post(
        reverse("admin:articles_article_add"), article_form(section, editor, make())
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "متن طويل كتبه المحرر ولا يجوز أن يضيع." in html
    assert not Article.objects.exists()
    assert crafted.files_in(media_in_tmp) == []


def test_refused_editor_photo_shows_the_reason_and_stores_nothing(staff_client, media_in_tmp):
    response = staff_client.post(
        reverse("admin:articles_editor_add"),
        {"name": "هبة", "slug": "هبة", "job_title": "", "photo": crafted.impostor("svg")},
    )
    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    assert not Editor.objects.filter(name="هبة").exists()
    assert crafted.files_in(media_in_tmp) == []


def test_accepted_lead_image_is_stored_with_its_upright_dimensions(
    staff_client, section, media_in_tmp
):
    editor = EditorFactory()
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(section, editor, crafted.camera_jpeg()),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (40, 60)
    assert article.lead_image.name in crafted.files_in(media_in_tmp)


def test_model_validation_refuses_a_bad_upload_outside_the_admin_too():
    editor = EditorFactory.build(name="من الطرفية", slug="x", photo=crafted.impostor("html"))
    with pytest.raises(ValidationError) as refusal:
        editor.full_clean()
    assert NOT_AN_IMAGE in refusal.value.message_dict["photo"][0]


def test_stored_image_is_not_reread_on_every_validation(media_in_tmp, monkeypatch):
    editor = EditorFactory(photo=crafted.jpeg())
    monkeypatch.setattr(
        images, "validate_image_upload", lambda upload: pytest.fail("stored file rechecked")
    )
    editor.full_clean()  # editing the name only: the photo already passed
