"""The crop window around the editor's focal point: centred on it, never outside the photo."""

import pytest
from PIL import Image

from articles.images import CARD_ASPECT, SOCIAL_SIZE, focal_crop, focal_crop_box


def test_centred_focal_point_crops_the_middle_of_a_tall_photo():
    assert focal_crop_box(1600, 1600, aspect=CARD_ASPECT, focal_x=0.5, focal_y=0.5) == (
        0,
        350,
        1600,
        1250,
    )


def test_crop_window_follows_a_face_near_the_right_of_a_wide_photo():
    left, top, right, bottom = focal_crop_box(
        3000, 1000, aspect=CARD_ASPECT, focal_x=0.7, focal_y=0.5
    )
    assert (top, bottom) == (0, 1000)
    assert right - left == 1778
    assert (left + right) / 2 == pytest.approx(2100, abs=1)


def test_focal_point_at_an_edge_keeps_the_window_inside_the_photo():
    assert focal_crop_box(3000, 1000, aspect=CARD_ASPECT, focal_x=1.0, focal_y=0.0) == (
        1222,
        0,
        3000,
        1000,
    )
    assert focal_crop_box(1000, 3000, aspect=CARD_ASPECT, focal_x=0.0, focal_y=0.0) == (
        0,
        0,
        1000,
        562,
    )


def test_out_of_range_focal_point_is_treated_as_the_nearest_edge():
    assert focal_crop_box(3000, 1000, aspect=CARD_ASPECT, focal_x=7, focal_y=-2) == focal_crop_box(
        3000, 1000, aspect=CARD_ASPECT, focal_x=1, focal_y=0
    )


def test_photo_already_at_the_ratio_is_kept_whole():
    assert focal_crop_box(1200, 630, aspect=SOCIAL_SIZE, focal_x=0.1, focal_y=0.9) == (
        0,
        0,
        1200,
        630,
    )


def test_empty_image_is_refused():
    with pytest.raises(ValueError):
        focal_crop_box(0, 10, aspect=CARD_ASPECT, focal_x=0.5, focal_y=0.5)


def test_social_crop_keeps_the_side_the_focal_point_is_on():
    # Left half red, right half blue: a focal point on the right keeps blue.
    image = Image.new("RGB", (3000, 1000), (255, 0, 0))
    image.paste((0, 0, 255), (1500, 0, 3000, 1000))
    cropped = focal_crop(image, size=SOCIAL_SIZE, focal_x=0.9, focal_y=0.5)
    assert cropped.size == SOCIAL_SIZE
    assert cropped.getpixel((600, 315)) == (0, 0, 255)
    cropped = focal_crop(image, size=SOCIAL_SIZE, focal_x=0.1, focal_y=0.5)
    assert cropped.getpixel((600, 315)) == (255, 0, 0)


@pytest.mark.django_db
def test_focal_point_outside_the_photo_is_refused_with_an_arabic_message(section):
    from django.core.exceptions import ValidationError

    from articles.tests.factories import ArticleFactory

    article = ArticleFactory(section=section)
    article.focal_x = 1.5
    with pytest.raises(ValidationError) as raised:
        article.full_clean()
    assert "focal_x" in raised.value.message_dict


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
@pytest.mark.parametrize(("width", "warned"), [(800, True), (1200, False)])
def test_narrow_lead_photo_is_saved_with_an_arabic_warning(staff_client, section, width, warned):
    from articles.tests.admin_forms import article_form_data, change_url, open_change_form
    from articles.tests.factories import ArticleFactory, jpeg_upload

    article = ArticleFactory(section=section)
    data = article_form_data(
        article,
        opened_at=open_change_form(staff_client, article),
        lead_image=jpeg_upload(size=(width, width * 9 // 16)),
        lead_image_alt="صورة",
    )
    response = staff_client.post(change_url(article), data, follow=True)
    article.refresh_from_db()
    assert article.lead_image_width == width  # saved either way: a warning, not a refusal
    found = [text for text in _messages(response) if "تنبيه: عرض الصورة الرئيسية" in text]
    assert bool(found) is warned


@pytest.mark.django_db
def test_editor_sets_the_focal_point_in_the_change_form(staff_client, section):
    from articles.tests.admin_forms import save_article
    from articles.tests.factories import ArticleFactory

    article = ArticleFactory(section=section)
    save_article(staff_client, article, focal_x="0.25", focal_y="0.75")
    article.refresh_from_db()
    assert (article.focal_x, article.focal_y) == (0.25, 0.75)
