"""Every crop of a photo keeps its subject; shared links show the desk's social image or the
lead photo; photos inside a body are served as lead photos are; counters count as the server."""

import io
import json
import re
from pathlib import Path

import feedparser
import html5lib
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import Article
from articles.sanitize import WORDS_PER_MINUTE, body_word_count, reading_minutes
from articles.tests import crafted_images as crafted
from articles.tests.admin_forms import article_form_data, change_url, open_change_form
from articles.tests.factories import ArticleFactory
from articles.tests.test_richtext import upload as ckeditor_upload

pytestmark = pytest.mark.django_db

RED, BLUE = (255, 0, 0), (0, 0, 255)


def red_on_the_left(name="subject.jpg", size=(2400, 900)) -> SimpleUploadedFile:
    """A wide photo whose subject (red) fills its left sixth; the rest is blue sky."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width // 6, height))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return crafted.upload(name, buffer.getvalue())


def is_red(pixel) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green < 60 and blue < 60


def open_rendition(media: Path, url: str) -> Image.Image:
    name = url.removeprefix(settings.MEDIA_URL)
    return Image.open(io.BytesIO((media / name).read_bytes())).convert("RGB")


def photographed(commit, **kwargs) -> Article:
    return commit(
        lambda: ArticleFactory(
            lead_image=red_on_the_left(),
            lead_image_alt="المتظاهرون أمام البرلمان",
            status=Article.Status.PUBLISHED,
            **kwargs,
        )
    )


# --- Focal point: cards, shared links, feeds -------------------------------------------------


def test_focal_point_on_the_left_keeps_the_red_subject_in_the_card_crop(
    commit, masthead, media_in_tmp, staff_client
):
    story = photographed(commit)
    centred = open_rendition(media_in_tmp, story.card_picture.src)
    assert centred.width / centred.height == pytest.approx(16 / 9, abs=0.01)
    assert not is_red(centred.getpixel((5, centred.height // 2)))  # centred: the subject is cut

    data = article_form_data(
        story, opened_at=open_change_form(staff_client, story), focal_x="0.08", focal_y="0.5"
    )
    response = commit(lambda: staff_client.post(change_url(story), data))
    assert response.status_code == 302
    story = Article.objects.get(pk=story.pk)
    card = story.card_picture
    assert "card-f8x50-" in card.src
    for url in (card.src, card.share_src, card.thumbnail_src):
        crop = open_rendition(media_in_tmp, url)
        assert is_red(crop.getpixel((5, crop.height // 2))), url
        assert crop.width / crop.height == pytest.approx(16 / 9, abs=0.01)
    shared = open_rendition(media_in_tmp, story.share_picture.share_src)
    assert shared.size == images.SOCIAL_SIZE
    assert is_red(shared.getpixel((5, 315)))


def test_moving_the_focal_point_gives_cards_new_addresses_and_removes_the_old_crops(
    commit, masthead, media_in_tmp, client
):
    story = photographed(commit)
    old = story.card_picture.src
    assert old in client.get(reverse("articles:home")).content.decode()
    story.focal_x = 0.1
    commit(story.save)
    home = client.get(reverse("articles:home")).content.decode()
    new = Article.objects.get(pk=story.pk).card_picture.src
    assert new != old and new in home and old not in home
    folder = media_in_tmp / images.rendition_dir(story.lead_image.name)
    names = {path.name for path in folder.iterdir()}
    assert not {name for name in names if "-f50x50-" in name}
    assert {name for name in names if "-f10x50-" in name}
    assert "800w.webp" in names  # the whole photo, for the article page, stays


def test_feed_enclosure_is_the_crop_around_the_focal_point(commit, masthead, media_in_tmp, client):
    story = photographed(commit, focal_x=0.05)
    (entry,) = feedparser.parse(client.get(reverse("articles:feed_rss")).content).entries
    (url,) = [link.href for link in entry.links if link.rel == "enclosure"]
    assert url == "http://testserver" + story.share_picture.share_src
    shared = open_rendition(media_in_tmp, url.removeprefix("http://testserver"))
    assert is_red(shared.getpixel((5, 315)))


def test_a_crop_is_made_on_request_only_at_the_point_the_photo_was_cropped_at(
    commit, masthead, media_in_tmp, client
):
    story = photographed(commit, focal_x=0.1)
    folder = images.rendition_dir(story.lead_image.name)
    elsewhere = f"{settings.MEDIA_URL}{folder}/card-f90x50-480w.jpg"
    assert client.get(elsewhere).status_code == 404  # a stranger's point: nothing made
    (media_in_tmp / folder / "card-f10x50-480w.jpg").unlink()
    assert client.get(f"{settings.MEDIA_URL}{folder}/card-f10x50-480w.jpg").status_code == 200


# --- The social image -----------------------------------------------------------------------


def meta_content(page: str, prop: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)


def json_ld_image(page: str) -> list[str]:
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(data)["image"]


def test_shared_links_default_to_the_lead_photo_cropped_around_its_subject(
    commit, masthead, client
):
    story = photographed(commit)
    page = client.get(story.get_absolute_url()).content.decode()
    share = "http://testserver" + story.share_picture.share_src
    assert "/social-f50x50-1200w.jpg" in share
    assert meta_content(page, "og:image") == [share]
    assert meta_content(page, "twitter:image") == [share]
    assert meta_content(page, "og:image:width") == ["1200"]
    assert meta_content(page, "og:image:height") == ["630"]
    assert meta_content(page, "og:image:alt") == ["المتظاهرون أمام البرلمان"]
    assert json_ld_image(page) == [share]


def test_social_image_chosen_by_the_desk_is_og_image_twitter_image_and_json_ld_image(
    commit, masthead, client, media_in_tmp, staff_client
):
    story = photographed(commit)
    data = article_form_data(
        story,
        opened_at=open_change_form(staff_client, story),
        social_image=crafted.jpeg("card.jpg", size=(1600, 1000), color=(0, 160, 0)),
    )
    response = commit(lambda: staff_client.post(change_url(story), data))
    assert response.status_code == 302
    story = Article.objects.get(pk=story.pk)
    assert story.social_image.name.startswith("social/")
    page = client.get(story.get_absolute_url()).content.decode()
    share = "http://testserver" + story.share_picture.share_src
    assert story.social_image.name in share and story.lead_image.name not in share
    assert meta_content(page, "og:image") == [share]
    assert meta_content(page, "twitter:image") == [share]
    assert json_ld_image(page) == [share]
    assert meta_content(page, "og:image:alt") == []  # the lead photo's words would not fit
    shared = open_rendition(media_in_tmp, story.share_picture.share_src)
    assert shared.size == images.SOCIAL_SIZE
    red, green, blue = shared.getpixel((600, 315))
    assert green > 120 and red < 60 and blue < 60
    # The lead photo still leads the page and the cards.
    assert story.lead_image.name in story.card_picture.src


def test_rejected_social_image_leaves_no_file_and_keeps_the_editors_text(
    masthead, media_in_tmp, staff_client, section
):
    story = ArticleFactory(section=section)
    data = article_form_data(
        story,
        opened_at=open_change_form(staff_client, story),
        headline="عنوان كتبه المحرر للتو",
        seo_description="وصف لمحركات البحث لم يُحفظ بعد",
        social_image=crafted.upload("card.jpg", b"this is not a photo at all"),
    )
    response = staff_client.post(change_url(story), data)
    assert response.status_code == 200  # the form again, not a save
    page = response.content.decode()
    assert "ليس صورة" in page
    assert "عنوان كتبه المحرر للتو" in page
    assert "وصف لمحركات البحث لم يُحفظ بعد" in page
    assert crafted.files_in(media_in_tmp) == []
    story.refresh_from_db()
    assert not story.social_image


# --- Photos inside the body -----------------------------------------------------------------


def test_photos_inside_the_body_get_srcset_dimensions_and_lazy_loading(
    commit, masthead, media_in_tmp, staff_client, client, section
):
    answer = ckeditor_upload(staff_client, crafted.jpeg("street.jpg", size=(1400, 700))).json()
    name = answer["url"].removeprefix(settings.MEDIA_URL)
    folder = media_in_tmp / images.rendition_dir(name)
    assert {path.name for path in folder.iterdir()} == {
        f"{width}w.{ext}" for width in (480, 800, 1200) for ext in ("webp", "jpg")
    }  # made on upload
    story = commit(
        lambda: ArticleFactory(
            section=section,
            status=Article.Status.PUBLISHED,
            body=f'<p>متن.</p><figure class="image"><img src="{answer["url"]}" alt="شارع">'
            "</figure>",
        )
    )
    assert 'width="1400" height="700"' in Article.objects.get(pk=story.pk).body  # at save
    page = client.get(story.get_absolute_url()).content.decode()
    document = html5lib.parse(page, namespaceHTMLElements=False)
    (img,) = document.findall(".//div[@class='article__body']//img")
    assert (img.get("width"), img.get("height")) == ("1400", "700")
    assert (img.get("loading"), img.get("decoding")) == ("lazy", "async")
    assert img.get("src") == answer["url"]  # the stored copy, for a browser without srcset
    assert "1200w.jpg 1200w" in img.get("srcset") and img.get("sizes")
    (source,) = document.findall(".//div[@class='article__body']//picture/source")
    assert source.get("type") == "image/webp"
    assert source.get("srcset").count("w.webp") == 3
    for candidate in source.get("srcset").split(", "):
        assert client.get(candidate.split()[0]).status_code == 200


def test_body_photos_stored_before_sizes_were_recorded_are_still_loaded_lazily():
    html = '<p>نص</p><img src="/media/uploads/2020/01/old.jpg" alt="قديمة">'
    served = images.body_pictures(html, storage=None)
    assert served == (
        '<p>نص</p><img src="/media/uploads/2020/01/old.jpg" alt="قديمة" loading="lazy" '
        'decoding="async">'
    )


# --- Counters: one rule for words and reading time ------------------------------------------


def test_words_are_counted_across_paragraphs_and_entities_not_punctuation():
    body = "<p>قال الوزير&nbsp;إن الخطة</p><p>بدأت — اليوم</p><ul><li>2026</li></ul>"
    assert body_word_count(body) == 7
    assert reading_minutes(0) == 0
    assert reading_minutes(1) == 1
    assert reading_minutes(WORDS_PER_MINUTE + 1) == 2


def test_the_forms_counters_use_the_servers_reading_speed():
    script = Path(settings.BASE_DIR, "articles/static/articles/admin/counters.js").read_text()
    assert f"var WORDS_PER_MINUTE = {WORDS_PER_MINUTE};" in script


def test_json_ld_states_the_bodys_word_count(masthead, client, section):
    story = ArticleFactory(
        section=section, status=Article.Status.PUBLISHED, body="<p>خمس كلمات في هذا المتن</p>"
    )
    page = client.get(story.get_absolute_url()).content.decode()
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(data)["wordCount"] == 5


def test_rebuild_command_makes_the_renditions_of_photos_uploaded_before_they_had_any(
    media_in_tmp,
):
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    name = default_storage.save("uploads/2024/05/old.jpg", crafted.jpeg(size=(900, 600)))
    default_storage.save("uploads/2024/05/anim.gif", crafted.gif())
    call_command("rebuild_renditions", verbosity=0)
    folder = media_in_tmp / images.rendition_dir(name)
    assert {path.name for path in folder.iterdir()} == {
        "480w.webp", "480w.jpg", "800w.webp", "800w.jpg", "1200w.webp", "1200w.jpg"
    }  # fmt: skip
    assert not (media_in_tmp / "renditions" / "uploads/2024/05/anim.gif").exists()
