"""No image file a reader can fetch carries anything but pixels, and stored names say nothing.

A phone photo with GPS, an orientation, XMP, IPTC, a comment and trailing bytes, and an
animated GIF with XMP, a comment and trailing bytes go in through the real paths (the admin's
forms, CKEditor's upload endpoint); then every image address the site hands out for them (the
pages, Open Graph, JSON-LD, every feed, the originals themselves) is fetched and read byte by
byte.
"""

import io
import json
import re
from io import StringIO

import feedparser
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image, ImageSequence

from articles import images
from articles.models import Article, Editor
from articles.tests import crafted_images as crafted
from articles.tests.factories import ArticleFactory, EditorFactory
from articles.tests.test_image_uploads import article_form
from articles.tests.test_richtext import upload as ckeditor_upload

pytestmark = pytest.mark.django_db

# What must never be found in a served file: each marker of a kind of metadata, and the
# crafted files' own giveaways (camera make, comment, caption, the bytes after the end).
LEAKS = [
    b"Exif",
    b"GPS",
    b"http://ns.adobe.com/xap",
    b"XMP Data",
    b"x:xmpmeta",
    b"Photoshop 3.0",
    b"8BIM",
    b"ICC_PROFILE",
    b"iCCP",
    b"tEXt",
    b"iTXt",
    b"zTXt",
    b"eXIf",
    b"NewsroomPhone",
    b"Cairo",
    crafted.GIF_COMMENT,
    crafted.IPTC_CAPTION,
    crafted.TRAILING_BYTES,
]
IMAGE_URL = re.compile(
    r"(?:https?://testserver)?/(?:media/[^\"'\s<>,]+|static/[^\"'\s<>,]+\.(?:png|jpg|gif|webp|svg|ico))"
)
RANDOM_NAME = re.compile(r"(?:articles|editors|uploads)/[0-9a-f]{32}\.(?:jpg|png|webp|gif)")


def ends_where_the_image_ends(data: bytes, pillow_format: str) -> bool:
    if pillow_format == "JPEG":
        return data.endswith(b"\xff\xd9")
    if pillow_format == "PNG":
        return data.endswith(b"IEND\xaeB`\x82")
    if pillow_format == "GIF":
        return data.endswith(b"\x3b")
    if pillow_format == "WEBP":
        return int.from_bytes(data[4:8], "little") + 8 == len(data)
    return pillow_format == "SVG"


def assert_clean(url: str, data: bytes) -> None:
    found = [marker for marker in LEAKS if marker in data]
    assert not found, (url, found)
    if url.endswith(".svg"):
        return
    image = Image.open(io.BytesIO(data))
    image.load()  # a whole, valid image
    assert ends_where_the_image_ends(data, image.format), url
    assert not image.getexif(), url
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(image.info), url
    if "extension" in image.info:  # a GIF's last application extension: only the loop count
        assert image.info["extension"][0].startswith(b"NETSCAPE2.0"), url


def fetch(client: Client, url: str) -> bytes:
    path = url.removeprefix("http://testserver").removeprefix("https://testserver")
    response = client.get(path)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def image_urls(text: str) -> set[str]:
    """Every image address in a page or feed, as a path (absolute ones lose the host)."""
    return {re.sub(r"^https?://testserver", "", url) for url in IMAGE_URL.findall(text)}


@pytest.fixture
def leaky_story(staff_client, commit, section, masthead):
    """A published story whose editor photo, lead photo and body GIF all came in leaky."""
    response = commit(
        lambda: staff_client.post(
            reverse("admin:articles_editor_add"),
            {"name": "هبة", "slug": "هبة", "job_title": "مصورة", "photo": crafted.leaky_jpeg()},
        )
    )
    assert response.status_code == 302
    editor = Editor.objects.get(slug="هبة")
    gif = ckeditor_upload(staff_client, crafted.leaky_gif()).json()
    png = ckeditor_upload(staff_client, crafted.leaky_png()).json()
    # Large enough for every rendition width once upright (1200×1800).
    form = article_form(section, editor, crafted.leaky_jpeg(size=(1800, 1200)))
    form.update(
        status="published",
        body=(
            "<p>متن الخبر.</p>"
            f'<figure class="image"><img src="{gif["url"]}" alt="رسم متحرك"></figure>'
            f'<figure class="image"><img src="{png["url"]}" alt="رسم بياني"></figure>'
        ),
    )
    response = commit(lambda: staff_client.post(reverse("admin:articles_article_add"), form))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Article.objects.get()


def test_every_image_address_the_site_hands_out_serves_a_file_with_pixels_only(
    leaky_story, media_in_tmp
):
    reader = Client()
    editor = leaky_story.authors.get()
    pages = [
        leaky_story.get_absolute_url(),
        reverse("articles:home"),
        leaky_story.section.get_absolute_url(),
        editor.get_absolute_url(),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:section_rss", kwargs={"slug": leaky_story.section.slug}),
        reverse("articles:section_atom", kwargs={"slug": leaky_story.section.slug}),
        reverse("articles:editor_rss", kwargs={"slug": editor.slug}),
        reverse("articles:editor_atom", kwargs={"slug": editor.slug}),
    ]
    handed_out = set()
    for page in pages:
        response = reader.get(page)
        assert response.status_code == 200, page
        handed_out |= image_urls(response.content.decode())
    article_page = reader.get(leaky_story.get_absolute_url()).content.decode()

    share = leaky_story.share_picture.share_src
    # Link previews, JSON-LD and every feed point at the shared links' crop, never the original.
    (json_ld,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', article_page, re.S
    )
    assert json.loads(json_ld)["image"] == [f"http://testserver{share}"]
    assert f'<meta property="og:image" content="http://testserver{share}">' in article_page
    assert f'<meta name="twitter:image" content="http://testserver{share}">' in article_page
    for feed in pages[4:]:
        enclosures = [
            link.href
            for entry in feedparser.parse(reader.get(feed).content).entries
            for link in entry.links
            if link.rel == "enclosure"
        ]
        assert enclosures == [f"http://testserver{share}"], feed
    assert leaky_story.lead_image.url not in "".join(handed_out)

    # The originals are public files too: whoever derives their address gets them clean.
    originals = {leaky_story.lead_image.url, editor.photo.url}
    for url in sorted(handed_out | originals):
        assert_clean(url, fetch(reader, url))

    media = {url for url in handed_out | originals if url.startswith("/media/")}
    renditions = {url for url in media if "/renditions/articles/" in url}
    portraits = {url for url in media if "/renditions/editors/" in url}
    body_images = {url for url in media if url.startswith("/media/uploads/")}
    body_renditions = {url for url in media if "/renditions/uploads/" in url}
    # The lead photo: WebP at 480, 800 and 1200 px and the JPEG fallback, whole (the page)
    # and cut to 16:9 (the cards), and the link-preview JPEG.
    assert len(renditions) == 9
    assert len(portraits) == 3  # WebP at 160 and 320 px, the JPEG fallback
    assert len(body_images) == 2 and len(originals) == 2
    # The still picture in the body, at its own width, WebP and JPEG (the GIF stays as is).
    assert len(body_renditions) == 2
    assert {url for url in handed_out if url.startswith("/static/")}  # the logo, the icon
    # And every file stored at all (the admin's thumbnails too), served clean.
    stored = crafted.files_in(media_in_tmp)
    # originals, lead renditions and crops, portraits, body images and the PNG's renditions
    assert len(stored) == 2 + 13 + 4 + 2 + 2
    for name in stored:
        assert_clean(name, fetch(reader, f"/media/{name}"))


def test_stored_photo_is_upright_and_its_recorded_size_is_the_files(leaky_story, media_in_tmp):
    stored = Image.open(media_in_tmp / leaky_story.lead_image.name)
    # Sent sideways (1800×1200, "turn 90° clockwise"): stored as seen, red on the right.
    assert stored.size == (1200, 1800)
    assert (leaky_story.lead_image_width, leaky_story.lead_image_height) == stored.size
    assert ExifTags.Base.Orientation not in stored.getexif()
    red, _green, blue = stored.convert("RGB").getpixel((1100, 900))
    assert red > 200 and blue < 60
    red, _green, blue = stored.convert("RGB").getpixel((100, 900))
    assert blue > 200 and red < 60
    portrait = Image.open(media_in_tmp / leaky_story.authors.get().photo.name)
    assert portrait.size == (40, 60)


def test_animated_gif_keeps_its_frames_timing_loop_and_transparency_and_nothing_else(
    staff_client, media_in_tmp
):
    sent = crafted.leaky_gif()
    answer = ckeditor_upload(staff_client, sent).json()
    stored = (media_in_tmp / answer["url"].removeprefix("/media/")).read_bytes()
    sent.seek(0)
    original = Image.open(io.BytesIO(sent.read()))
    kept = Image.open(io.BytesIO(stored))
    assert kept.n_frames == original.n_frames == 3
    assert kept.info["loop"] == original.info["loop"] == 0
    for before, after in zip(
        ImageSequence.Iterator(original), ImageSequence.Iterator(kept), strict=True
    ):
        assert after.info["duration"] == before.info["duration"]
        assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()
    assert kept.convert("RGBA").getpixel((20, 18))[3] == 0  # the background stays transparent
    assert images.metadata_found(stored) == []
    assert_clean(answer["url"], stored)


@pytest.mark.parametrize(("pillow_format", "options"), [("PNG", {}), ("WEBP", {"lossless": True})])
def test_animated_png_and_lossless_webp_keep_every_frame_and_its_timing(pillow_format, options):
    frames = crafted.animation_frames()
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        pillow_format,
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        **options,
    )
    sent = buffer.getvalue() + crafted.TRAILING_BYTES
    clean = images.image_clean(crafted.upload(f"a.{pillow_format.lower()}", sent))
    original, kept = Image.open(io.BytesIO(sent)), Image.open(io.BytesIO(clean.content))
    assert (kept.format, kept.n_frames, kept.info["loop"]) == (pillow_format, 3, 0)
    for before, after in zip(
        ImageSequence.Iterator(original), ImageSequence.Iterator(kept), strict=True
    ):
        assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()
        assert after.info["duration"] == before.info["duration"]
    assert_clean(f"a.{pillow_format.lower()}", clean.content)


def test_gif_that_plays_once_still_plays_once(staff_client, media_in_tmp):
    frames = crafted.animation_frames()
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=80)
    answer = ckeditor_upload(staff_client, crafted.upload("once.gif", buffer.getvalue())).json()
    kept = Image.open(media_in_tmp / answer["url"].removeprefix("/media/"))
    assert kept.n_frames == 3
    assert "loop" not in kept.info


def test_colours_of_a_photo_with_an_icc_profile_are_converted_to_srgb_not_dropped(
    commit, masthead, media_in_tmp
):
    # Stored red, tagged with a profile whose "red" is sRGB blue: readers must see blue.
    story = commit(
        lambda: ArticleFactory(
            lead_image=crafted.red_jpeg_in_swapped_profile(), lead_image_alt="صورة وكالة"
        )
    )
    for name in [
        story.lead_image.name,
        *(f"renditions/{story.lead_image.name}/480w.{ext}" for ext in ("jpg", "webp")),
    ]:
        image = Image.open(media_in_tmp / name)
        assert "icc_profile" not in image.info, name
        red, _green, blue = image.convert("RGB").getpixel((10, 10))
        assert blue > 230 and red < 25, (name, red, blue)


@pytest.mark.parametrize(
    "make", [crafted.leaky_jpeg, crafted.leaky_gif, crafted.leaky_png, crafted.leaky_webp]
)
def test_what_a_file_carries_besides_pixels_is_found_and_its_clean_copy_carries_none(make):
    sent = make()
    assert "trailing bytes" in images.metadata_found(sent.read())
    clean = images.image_clean(sent)
    assert images.metadata_found(clean.content) == []
    assert_clean(sent.name, clean.content)


def test_stored_names_are_random_with_no_camera_name_or_date(leaky_story, media_in_tmp):
    editor = leaky_story.authors.get()
    assert RANDOM_NAME.fullmatch(leaky_story.lead_image.name)
    assert RANDOM_NAME.fullmatch(editor.photo.name)
    assert leaky_story.lead_image.name.startswith("articles/")
    assert editor.photo.name.startswith("editors/")
    for name in crafted.files_in(media_in_tmp):
        assert "IMG_1234" not in name and "animation" not in name and "chart" not in name, name
        assert not re.search(r"/20\d\d/", name), name
        original = (
            name.removeprefix("renditions/").rsplit("/", 1)[0] if "renditions/" in name else name
        )
        assert RANDOM_NAME.fullmatch(original), name


def test_two_uploads_of_the_same_photo_get_different_names(commit, masthead):
    first = commit(lambda: ArticleFactory(lead_image=crafted.jpeg("نيل.jpg"), lead_image_alt="أ"))
    second = commit(lambda: ArticleFactory(lead_image=crafted.jpeg("نيل.jpg"), lead_image_alt="ب"))
    assert first.lead_image.name != second.lead_image.name


def test_story_stored_under_an_old_dated_camera_name_keeps_working(commit, masthead, client):
    story = ArticleFactory(lead_image_alt="صورة قديمة")
    old_name = images.LEAD.folder + "/2024/05/IMG_0042.jpg"
    story.lead_image.storage.save(old_name, io.BytesIO(crafted.image_bytes(size=(900, 600))))
    Article.objects.filter(pk=story.pk).update(
        lead_image=old_name, lead_image_width=900, lead_image_height=600
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert f"/media/renditions/{old_name}/800w.webp" in page
    for url in image_urls(page):
        if "/media/" in url:
            assert_clean(url, fetch(client, url))


def test_animation_whose_frames_together_exceed_the_pixel_limit_is_refused(
    settings, staff_client, media_in_tmp
):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 30 * 20 * 2  # two frames of the three
    answer = ckeditor_upload(staff_client, crafted.leaky_gif()).json()
    assert answer["uploaded"] == 0
    assert "الصورة المتحركة طويلة جدًا" in answer["error"]["message"]
    assert crafted.files_in(media_in_tmp) == []


# --- Cleaning what was stored before ------------------------------------------------------


def run_rebuild(*args, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("rebuild_renditions", *args, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def stored_before(masthead, media_in_tmp):
    """Files stored byte for byte, under dated camera names, before uploads were cleaned."""
    storage = Article._meta.get_field("lead_image").storage

    def store(name, upload):
        upload.seek(0)
        storage.save(name, upload)
        return name

    story = ArticleFactory(lead_image_alt="صورة قديمة")
    lead = store("articles/2024/05/IMG_1234.jpg", crafted.leaky_jpeg())
    Article.objects.filter(pk=story.pk).update(
        lead_image=lead, lead_image_width=40, lead_image_height=60
    )
    editor = EditorFactory()
    portrait = store("editors/2024/IMG_7.jpg", crafted.leaky_jpeg())
    Editor.objects.filter(pk=editor.pk).update(photo=portrait)
    gif = store("uploads/2024/05/animation.gif", crafted.leaky_gif())
    clean_png = store("uploads/2024/05/chart.png", crafted.png())
    return {"lead": lead, "portrait": portrait, "gif": gif, "clean_png": clean_png}


def test_clean_originals_rewrites_stored_files_under_their_names_and_remakes_renditions(
    stored_before, media_in_tmp
):
    untouched = (media_in_tmp / stored_before["clean_png"]).read_bytes()
    out, _ = run_rebuild("--clean-originals")
    assert "4 stored files read, 3 carrying metadata rewritten." in out
    for name in (stored_before["lead"], stored_before["portrait"], stored_before["gif"]):
        assert_clean(name, (media_in_tmp / name).read_bytes())
    assert (media_in_tmp / stored_before["clean_png"]).read_bytes() == untouched
    assert Image.open(media_in_tmp / stored_before["lead"]).size == (40, 60)
    assert Image.open(media_in_tmp / stored_before["gif"]).n_frames == 3
    lead_renditions = media_in_tmp / "renditions" / stored_before["lead"]
    assert {path.name for path in lead_renditions.iterdir()} == {
        "480w.webp",
        "480w.jpg",
        "card-f50x50-480w.webp",
        "card-f50x50-480w.jpg",
        "social-f50x50-1200w.jpg",
    }
    # Run again: clean files are never encoded again.
    before = {name: (media_in_tmp / name).stat().st_mtime_ns for name in stored_before.values()}
    out, _ = run_rebuild("--clean-originals")
    assert "4 stored files read, 0 carrying metadata rewritten." in out
    assert before == {name: (media_in_tmp / name).stat().st_mtime_ns for name in before}


def test_clean_originals_dry_run_names_what_it_would_rewrite_and_writes_nothing(
    stored_before, media_in_tmp
):
    before = crafted.files_in(media_in_tmp)
    contents = {name: (media_in_tmp / name).read_bytes() for name in before}
    out, err = run_rebuild("--clean-originals", "--dry-run", verbosity=2)
    assert "3 carrying metadata would be rewritten; nothing written." in out
    assert f"{stored_before['gif']}: XMP, comment, trailing bytes" in out
    assert f"{stored_before['lead']}: IPTC, EXIF, XMP, comment, trailing bytes" in out
    assert "100%" in err
    assert crafted.files_in(media_in_tmp) == before
    assert all((media_in_tmp / name).read_bytes() == data for name, data in contents.items())


def test_clean_originals_is_silent_at_verbosity_zero(stored_before):
    assert run_rebuild("--clean-originals", verbosity=0) == ("", "")


def test_clean_originals_reports_a_stored_file_that_is_gone(stored_before, media_in_tmp):
    (media_in_tmp / stored_before["portrait"]).unlink()
    _, err = run_rebuild("--clean-originals")
    assert f"Stored file missing, skipped: {stored_before['portrait']}" in err


# --- Renditions that were never made ------------------------------------------------------


def test_missing_rendition_is_made_when_first_asked_for(masthead, media_in_tmp, client):
    story = ArticleFactory(lead_image=crafted.jpeg(size=(1000, 500)), lead_image_alt="صورة")
    assert not (media_in_tmp / "renditions").exists()  # the commit never came
    page = client.get(story.get_absolute_url()).content.decode()
    urls = {url for url in image_urls(page) if "/renditions/" in url}
    assert len(urls) == 5  # three WebP sizes, the JPEG fallback, the one for link previews
    for url in urls:
        assert_clean(url, fetch(client, url))
    # the whole photo at three widths and its crops (cards, shared links), WebP and JPEG
    assert len(list((media_in_tmp / "renditions" / story.lead_image.name).iterdir())) == 13


def test_feed_enclosure_of_a_rendition_still_to_be_made_is_served(masthead, media_in_tmp, client):
    story = ArticleFactory(lead_image=crafted.jpeg(size=(1300, 700)), lead_image_alt="صورة")
    (entry,) = feedparser.parse(client.get(reverse("articles:feed_rss")).content).entries
    (enclosure,) = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosure.href == "http://testserver" + story.share_picture.share_src
    assert enclosure.length == "0"  # unknown until it is made: what RSS asks for then
    assert_clean(enclosure.href, fetch(client, enclosure.href))


@pytest.mark.parametrize(
    "path",
    [
        "renditions/articles/{name}/1200w.jpg",  # a size this 600 px photo never gets
        "renditions/articles/{name}/481w.jpg",
        "renditions/articles/{name}/480w.png",
        "renditions/articles/{name}/480w.jpg/x",
        "renditions/articles/0123456789abcdef0123456789abcdef.jpg/480w.jpg",  # no original
        "renditions/editors/{bare}/800w.jpg",  # not a portrait size
        "renditions/uploads/{bare}/480w.jpg",  # no such photo inside a body
        "renditions/articles/{name}/card-f101x50-480w.jpg",  # no such focal point
        "renditions/articles/{name}/card-f50x50-481w.jpg",
        "renditions/articles/{name}/card-f050x50-480w.jpg",
        "renditions/articles/{name}/social-f50x50-480w.jpg",  # not a size of the crop
        "renditions/articles/{name}/social-f50x50-1200w.webp",  # shared links take JPEG
        "renditions/articles/{name}/square-f50x50-480w.jpg",  # no such crop
        "renditions/editors/{bare}/card-f50x50-480w.jpg",  # portraits are not cropped so
        "renditions/articles/../articles/{bare}/480w.jpg",
        "renditions/articles/./{bare}/480w.jpg",
        "renditions/articles/.{bare}/480w.jpg",
        "renditions/articles/{name}/480w.jpg%00",
        "renditions/articles/{name}%00/480w.jpg",
        "renditions/articles/{name}/99999999999999999999w.jpg",
        "renditions/articles/damaged.jpg/480w.jpg",  # an original that is no image
        "renditions/articles/truncated.jpg/480w.jpg",  # one whose header reads, not its data
        "renditions/{bare}/480w.jpg",
    ],
)
def test_anything_but_a_missing_rendition_of_a_real_photo_stays_a_404(
    masthead, media_in_tmp, client, path
):
    story = ArticleFactory(lead_image=crafted.jpeg(size=(600, 400)), lead_image_alt="صورة")
    storage = story.lead_image.storage
    storage.save("articles/damaged.jpg", io.BytesIO(b"\xff\xd8\xff\xe0 not really a jpeg"))
    storage.save("articles/truncated.jpg", crafted.truncated(crafted.jpeg(size=(600, 400))))
    bare = story.lead_image.name.removeprefix("articles/")
    url = "/media/" + path.format(name=story.lead_image.name, bare=bare)
    response = client.get(url)
    assert response.status_code in (400, 404), url
    assert not (media_in_tmp / "renditions").exists()
