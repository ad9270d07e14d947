"""The rich-text editor: Arabic news configuration, and the image upload it posts to."""

import html
import io
import json
import re
from urllib.parse import unquote

import pytest
from django.urls import NoReverseMatch, reverse
from PIL import ExifTags, Image

from articles import sanitize
from articles.admin import richtext
from articles.tests import crafted_images as crafted
from articles.tests.test_image_uploads import REFUSALS

pytestmark = pytest.mark.django_db

TOKEN = "a-ckeditor-csrf-token-1234"


def upload(client, file, *, query="?responseType=json", token=TOKEN, cookie=TOKEN):
    if cookie:
        client.cookies["ckCsrfToken"] = cookie
    data = {"upload": file}
    if token:
        data["ckCsrfToken"] = token
    return client.post(reverse("ckeditor_upload") + query, data)


def stored_image(media, url) -> Image.Image:
    name = url.removeprefix("/media/")
    return Image.open(io.BytesIO((media / name).read_bytes()))


def test_staff_upload_answers_ckeditor_json_with_the_address(staff_client, media_in_tmp):
    response = upload(staff_client, crafted.jpeg("نهر النيل.jpg"))
    answer = response.json()
    assert response.status_code == 200
    assert answer["uploaded"] == 1
    assert answer["url"].startswith("/media/uploads/")
    assert answer["fileName"].endswith(".jpg")
    name = unquote(answer["url"]).removeprefix("/media/")
    originals = [stored for stored in crafted.files_in(media_in_tmp) if "renditions/" not in stored]
    assert originals == [name]  # and its renditions, for the article page's srcset


def test_uploaded_photo_is_stored_upright_without_gps_or_other_metadata(staff_client, media_in_tmp):
    answer = upload(staff_client, crafted.camera_jpeg()).json()
    image = stored_image(media_in_tmp, answer["url"])
    assert image.size == (40, 60)
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Orientation not in exif
    assert not {"exif", "xmp", "comment"} & set(image.info)
    raw = (media_in_tmp / answer["url"].removeprefix("/media/")).read_bytes()
    assert b"GPSLatitude" not in raw and b"NewsroomPhone" not in raw


def test_wide_upload_is_narrowed_to_the_column(staff_client, media_in_tmp):
    answer = upload(staff_client, crafted.png(size=(3200, 800))).json()
    image = stored_image(media_in_tmp, answer["url"])
    assert (image.format, image.size) == ("PNG", (1600, 400))


def test_animated_gif_keeps_its_frames(staff_client, media_in_tmp):
    frames = [Image.new("RGB", (20, 20), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    answer = upload(staff_client, crafted.upload("a.gif", buffer.getvalue(), "image/gif")).json()
    assert stored_image(media_in_tmp, answer["url"]).n_frames == 3


@pytest.mark.parametrize(("make", "message"), REFUSALS)
def test_refused_upload_answers_ckeditor_error_in_arabic_and_stores_nothing(
    staff_client, media_in_tmp, make, message
):
    response = upload(staff_client, make())
    answer = response.json()
    assert response.status_code == 200  # CKEditor reads the message only from a 200 answer
    assert answer["uploaded"] == 0
    assert message in answer["error"]["message"]
    assert crafted.files_in(media_in_tmp) == []


def test_form_upload_gets_a_callback_script_allowed_by_its_nonce(staff_client, media_in_tmp):
    response = upload(staff_client, crafted.jpeg(), query="?CKEditorFuncNum=7")
    body = response.content.decode()
    nonce = re.search(r'<script nonce="([^"]+)">', body).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    (url,) = [stored for stored in crafted.files_in(media_in_tmp) if "renditions/" not in stored]
    assert f'callFunction(7, "/media/{url}", "")' in body
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_form_upload_refusal_carries_the_message_safely_escaped(staff_client, media_in_tmp):
    evil = crafted.upload("</script><script>alert(1)</script>.jpg", crafted.SVG_WITH_SCRIPT)
    response = upload(staff_client, evil, query="?CKEditorFuncNum=3")
    body = response.content.decode()
    assert body.count("<script") == 1 and body.count("</script>") == 1
    assert "ليس صورة" in json.loads(re.search(r'"", ("[^"]*")\);', body).group(1))
    assert crafted.files_in(media_in_tmp) == []


def test_function_number_must_be_a_number(staff_client):
    response = upload(staff_client, crafted.jpeg(), query="?CKEditorFuncNum=alert(1)")
    assert response.json()["uploaded"] == 1  # treated as a JSON upload, never echoed


@pytest.mark.parametrize(
    ("token", "cookie"), [(None, TOKEN), (TOKEN, None), ("forged-token", TOKEN), ("", "")]
)
def test_upload_without_ckeditors_matching_token_is_refused(
    staff_client, media_in_tmp, token, cookie
):
    response = upload(staff_client, crafted.jpeg(), token=token, cookie=cookie)
    assert response.status_code == 403
    assert "أعد تحميل الصفحة" in html.unescape(response.content.decode("unicode_escape"))
    assert crafted.files_in(media_in_tmp) == []


def test_signed_in_non_staff_user_cannot_upload(client, django_user_model, media_in_tmp):
    client.force_login(django_user_model.objects.create_user("reader", password="x-123456789"))
    response = upload(client, crafted.jpeg())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert crafted.files_in(media_in_tmp) == []


def test_upload_address_accepts_posts_only(staff_client):
    assert staff_client.get(reverse("ckeditor_upload")).status_code == 405


def test_no_server_file_browser_is_exposed():
    with pytest.raises(NoReverseMatch):
        reverse("ckeditor_browse")


# --- Configuration ------------------------------------------------------------------------


def editor_config(staff_client) -> dict:
    page = staff_client.get(reverse("admin:articles_article_add")).content.decode()
    return json.loads(html.unescape(re.search(r'data-config="([^"]+)"', page).group(1)))


def test_editor_is_arabic_right_to_left_with_a_news_toolbar(staff_client):
    config = editor_config(staff_client)
    assert config["language"] == "ar"
    assert config["contentsLangDirection"] == "rtl"
    assert config["format_tags"] == "p;h2;h3;h4"
    buttons = {button for group in config["toolbar_Newsroom"] for button in group}
    assert {
        "Format", "Bold", "Italic", "Link", "NumberedList", "BulletedList", "Blockquote",
        "Image", "Table", "Iframe", "PasteFromWord",
    } <= buttons  # fmt: skip
    for markup_the_sanitizer_strips in [
        "Font", "FontSize", "TextColor", "BGColor", "JustifyLeft", "JustifyCenter",
        "JustifyRight", "Styles", "Flash", "Smiley", "Form", "CreateDiv",
    ]:  # fmt: skip
        assert markup_the_sanitizer_strips not in buttons


def test_editor_uploads_to_the_checked_address_and_has_no_file_browser(staff_client):
    config = editor_config(staff_client)
    upload_url = reverse("ckeditor_upload")
    assert config["filebrowserUploadUrl"] == upload_url
    assert config["uploadUrl"].startswith(upload_url)
    assert "filebrowserBrowseUrl" not in config
    assert {"image2", "uploadimage", "iframe", "bidi"} <= set(config["plugins"].split(","))


def acf_rules(rules: str) -> dict[str, tuple[set[str], set[str]]]:
    """CKEditor's allowed content rules read back: tag -> (attributes, classes)."""
    parsed = {}
    for rule in rules.split(";"):
        match = re.fullmatch(r"\s*([a-z0-9]+)(?:\[([^\]]*)\])?(?:\(([^)]*)\))?\s*", rule)
        assert match, rule
        tag, attributes, classes = match.groups()
        parsed[tag] = (
            {a.lstrip("!") for a in (attributes or "").split(",") if a},
            {c for c in (classes or "").split(",") if c},
        )
    return parsed


def test_editor_content_filter_allows_exactly_what_the_sanitizer_keeps():
    everywhere = sanitize.ALLOWED_ATTRIBUTES["*"]
    expected = {
        tag: (
            sanitize.ALLOWED_ATTRIBUTES.get(tag, set()) | everywhere,
            sanitize.ALLOWED_CLASSES.get(tag, set()),
        )
        for tag in sanitize.ALLOWED_TAGS
    }
    assert acf_rules(richtext.ALLOWED_CONTENT) == expected
    assert acf_rules(richtext.ALLOWED_CONTENT)["p"][0] >= {"dir"}
    assert "dir" not in acf_rules(richtext.ALLOWED_CONTENT)["h2"][0]


def test_editor_offers_left_to_right_and_right_to_left_paragraphs(staff_client):
    config = editor_config(staff_client)
    buttons = {button for group in config["toolbar_Newsroom"] for button in group}
    assert {"BidiLtr", "BidiRtl"} <= buttons
    assert config["allowedContent"] == richtext.ALLOWED_CONTENT
    assert "{*}" in config["disallowedContent"]  # no inline styles


def test_editor_starts_only_the_plugins_behind_its_toolbar(staff_client):
    config = editor_config(staff_client)
    plugins = set(config["plugins"].split(","))
    assert not {"font", "colorbutton", "justify", "forms", "smiley", "flash", "div", "image"} & (
        plugins | set(config["extraPlugins"].split(","))
    )


def test_photos_fit_the_editing_area(staff_client, client):
    config = editor_config(staff_client)
    ours = [path for path in config["contentsCss"] if "editor-contents" in path]
    assert ours
    css = client.get(ours[0])
    text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    assert re.search(r"img\s*\{\s*max-width:\s*100%;\s*height:\s*auto;", text)


def test_editor_embeds_get_the_attributes_the_sanitizer_forces():
    assert richtext.CONFIG["iframe_attributes"] == sanitize.EMBED_ATTRIBUTES
