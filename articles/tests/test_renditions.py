"""Each photo gets upright, metadata-free WebP and JPEG renditions, made once, gone with it."""

import io
from io import StringIO

import html5lib
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image

from articles import images
from articles.models import Article
from articles.tests import crafted_images as crafted
from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db

WHOLE_FILES = {f"{width}w.{ext}" for width in (480, 800, 1200) for ext in ("webp", "jpg")}
# The cards' 16:9 crops and the shared links' 1200×630, around the focal point (the centre).
CROP_FILES = {
    f"card-f50x50-{width}w.{ext}" for width in (480, 800, 1200) for ext in ("webp", "jpg")
} | {"social-f50x50-1200w.jpg"}
LEAD_FILES = WHOLE_FILES | CROP_FILES


def whole(names: set[str]) -> set[str]:
    return {name for name in names if not name.startswith(("card-", "social-"))}


def renditions_of(media, original_name) -> set[str]:
    folder = media / "renditions" / original_name
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def open_media(media, name) -> Image.Image:
    return Image.open(io.BytesIO((media / name).read_bytes()))


def story_with_photo(masthead, upload=None, **kwargs):
    return ArticleFactory(
        lead_image=upload or crafted.jpeg(size=(1600, 900)), lead_image_alt="صورة", **kwargs
    )


def test_saving_a_story_makes_webp_and_jpeg_renditions_at_each_width(
    commit, masthead, media_in_tmp
):
    article = commit(lambda: story_with_photo(masthead))
    assert renditions_of(media_in_tmp, article.lead_image.name) == LEAD_FILES
    folder = f"renditions/{article.lead_image.name}"
    for width in (480, 800, 1200):
        webp = open_media(media_in_tmp, f"{folder}/{width}w.webp")
        jpeg = open_media(media_in_tmp, f"{folder}/{width}w.jpg")
        assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
        assert webp.size == jpeg.size == (width, round(900 * width / 1600))


def test_nothing_is_made_before_the_save_is_committed(
    django_capture_on_commit_callbacks, masthead, media_in_tmp
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = story_with_photo(masthead)
    assert callbacks  # waiting for the commit
    assert renditions_of(media_in_tmp, article.lead_image.name) == set()


def test_renditions_are_upright_and_carry_no_exif_gps_or_xmp(commit, masthead, media_in_tmp):
    article = commit(lambda: story_with_photo(masthead, crafted.camera_jpeg()))
    # Stored sideways 60×40 with "rotate 90° clockwise": readers see it 40×60, red on the right.
    assert (article.lead_image_width, article.lead_image_height) == (40, 60)
    for name in renditions_of(media_in_tmp, article.lead_image.name):
        image = open_media(media_in_tmp, f"renditions/{article.lead_image.name}/{name}")
        if name in WHOLE_FILES:
            assert image.size == (40, 60), name
            red, _green, blue = image.convert("RGB").getpixel((35, 30))
            assert red > 200 and blue < 60, (name, red, blue)
            red, _green, blue = image.convert("RGB").getpixel((4, 30))
            assert blue > 200 and red < 60, (name, red, blue)
        else:  # crops of the upright photo: as wide as it is
            assert image.width == 40, name
        exif = image.getexif()
        assert ExifTags.Base.Orientation not in exif, name
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), name
        assert ExifTags.Base.Make not in exif, name
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info), name
        raw = (media_in_tmp / "renditions" / article.lead_image.name / name).read_bytes()
        assert b"GPSLatitude" not in raw and b"NewsroomPhone" not in raw and b"Cairo" not in raw


def test_small_photos_are_never_upscaled(commit, masthead, media_in_tmp):
    article = commit(lambda: story_with_photo(masthead, crafted.jpeg(size=(600, 400))))
    made = whole(renditions_of(media_in_tmp, article.lead_image.name))
    assert made == {"480w.webp", "480w.jpg", "800w.webp", "800w.jpg"}  # 800 and 1200 are 600 wide
    folder = f"renditions/{article.lead_image.name}"
    assert open_media(media_in_tmp, f"{folder}/800w.jpg").size == (600, 400)
    assert (
        "600w" in article.lead_picture.webp_srcset
        and "1200w" not in article.lead_picture.webp_srcset
    )


def test_transparent_png_gets_a_white_jpeg_fallback_and_keeps_alpha_in_webp(
    commit, masthead, media_in_tmp
):
    logo = crafted.png(size=(500, 300), mode="RGBA", color=(0, 0, 0, 0))
    article = commit(lambda: story_with_photo(masthead, logo))
    folder = f"renditions/{article.lead_image.name}"
    assert open_media(media_in_tmp, f"{folder}/480w.jpg").convert("RGB").getpixel((5, 5)) == (
        255,
        255,
        255,
    )
    assert open_media(media_in_tmp, f"{folder}/480w.webp").mode == "RGBA"


def test_editor_photo_gets_square_portraits(commit, media_in_tmp):
    editor = commit(lambda: EditorFactory(photo=crafted.jpeg(size=(300, 500))))
    folder = f"renditions/{editor.photo.name}"
    assert renditions_of(media_in_tmp, editor.photo.name) == {
        "160w.webp", "160w.jpg", "320w.webp", "320w.jpg"
    }  # fmt: skip
    assert open_media(media_in_tmp, f"{folder}/320w.webp").size == (320, 320)


def test_renditions_are_made_once_and_reused(commit, masthead, media_in_tmp, client):
    article = commit(lambda: story_with_photo(masthead))
    folder = media_in_tmp / "renditions" / article.lead_image.name
    first = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}

    article.headline = "عنوان معدل"
    commit(article.save)
    for _ in range(3):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/").status_code == 200

    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == first


def test_public_pages_never_open_an_image_file(commit, masthead, client, monkeypatch):
    article = commit(lambda: story_with_photo(masthead))
    editor = article.authors.first()
    commit(lambda: setattr(editor, "photo", crafted.jpeg()) or editor.save())

    def no_image_work(*args, **kwargs):
        raise AssertionError("a page opened an image")

    monkeypatch.setattr(Image, "open", no_image_work)
    for url in ["/", article.section.get_absolute_url(), article.get_absolute_url()]:
        assert client.get(url).status_code == 200, url
    assert client.get(editor.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("page", ["home", "section", "article", "editor"])
def test_photos_add_no_queries_to_public_pages(client, masthead, page):
    def page_url(article):
        return {
            "home": reverse("articles:home"),
            "section": article.section.get_absolute_url(),
            "article": article.get_absolute_url(),
            "editor": article.authors.first().get_absolute_url(),
        }[page]

    plain = ArticleFactory()
    # A neighbour, so the related-stories list is not empty (an empty list skips a query).
    ArticleFactory(section=plain.section, authors=plain.authors.all())
    empty_every_cache()  # measure building the page, not serving it from the page cache
    with CaptureQueriesContext(connection) as without_photos:
        assert client.get(page_url(plain)).status_code == 200
    Article.objects.all().delete()

    editor = EditorFactory(photo=crafted.jpeg())
    pictured = story_with_photo(masthead, authors=[editor])
    for _ in range(5):
        story_with_photo(masthead, section=pictured.section, authors=[editor])
    empty_every_cache()
    with CaptureQueriesContext(connection) as with_photos:
        assert client.get(page_url(pictured)).status_code == 200
    assert len(with_photos) == len(without_photos)


# --- Markup -------------------------------------------------------------------------------


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def test_article_page_serves_webp_sizes_a_jpeg_fallback_and_dimensions(commit, masthead, client):
    article = commit(lambda: story_with_photo(masthead))
    figure = parse(client.get(article.get_absolute_url())).find(
        ".//figure[@class='article__figure']"
    )
    source = figure.find("picture/source")
    img = figure.find("picture/img")
    assert source.get("type") == "image/webp"
    assert source.get("srcset").count("w.webp") == 3
    assert "1200w.webp 1200w" in source.get("srcset")
    assert source.get("sizes")
    # A browser without WebP takes the one JPEG: a second srcset would weigh on every card.
    assert img.get("srcset") is None and img.get("sizes") is None
    assert (img.get("width"), img.get("height")) == ("1200", "675")
    assert img.get("alt") == "صورة"
    assert img.get("loading") is None  # the lead photo is the page: load it at once
    assert img.get("fetchpriority") == "high"
    assert "/renditions/" in img.get("src") and img.get("src").endswith("800w.jpg")


def test_cards_below_the_lead_are_lazy_and_the_lead_card_is_not(commit, masthead, client):
    commit(lambda: story_with_photo(masthead))
    lead = commit(lambda: story_with_photo(masthead))
    tree = parse(client.get("/"))
    lead_img = tree.find(".//section[@class='lead-story']//img")
    other_imgs = tree.findall(".//section[@class='latest']//img")
    assert lead.lead_image.name.rsplit(".", 1)[0] in lead_img.get("src")
    assert lead_img.get("loading") is None
    assert other_imgs and all(img.get("loading") == "lazy" for img in other_imgs)
    assert all(img.get("width") and img.get("height") for img in [lead_img, *other_imgs])


def test_editor_page_shows_the_square_portrait_at_its_box_size(commit, masthead, client):
    editor = commit(lambda: EditorFactory(photo=crafted.jpeg(size=(400, 300))))
    picture = parse(client.get(editor.get_absolute_url())).find(".//picture[img]")
    img = picture.find("img")
    assert img.get("class") == "profile__photo"
    assert (img.get("width"), img.get("height")) == ("120", "120")
    srcset = picture.find("source").get("srcset")
    assert "160w.webp 160w" in srcset and "320w.webp 320w" in srcset
    assert img.get("src").endswith("320w.jpg")


def test_story_without_a_photo_has_no_picture(client, published_article):
    html = client.get(published_article.get_absolute_url()).content.decode()
    assert "<picture>" not in html


# --- Replacing and deleting ---------------------------------------------------------------


@pytest.mark.parametrize("read_back", [False, True], ids=["in hand", "read back"])
def test_replacing_a_photo_removes_the_old_one_and_its_renditions(
    commit, masthead, media_in_tmp, read_back
):
    # A story read from the database carries no copy of its file names (FileCleanupConfig):
    # the old name is read back when it is saved.
    article = commit(lambda: story_with_photo(masthead, crafted.jpeg("old.jpg")))
    old_name = article.lead_image.name

    def replace():
        story = Article.objects.get(pk=article.pk) if read_back else article
        story.lead_image = crafted.jpeg("new.jpg", size=(1000, 500))
        story.save()
        return story

    story = commit(replace)
    remaining = crafted.files_in(media_in_tmp)
    assert not any("old" in name for name in remaining), remaining
    assert renditions_of(media_in_tmp, old_name) == set()
    assert renditions_of(media_in_tmp, story.lead_image.name) == LEAD_FILES
    assert (story.lead_image_width, story.lead_image_height) == (1000, 500)


def test_clearing_a_photo_in_the_admin_removes_it_and_its_renditions(
    commit, masthead, media_in_tmp, staff_client
):
    editor = commit(lambda: EditorFactory(name="ليلى", photo=crafted.jpeg()))
    assert crafted.files_in(media_in_tmp)
    response = commit(
        lambda: staff_client.post(
            reverse("admin:articles_editor_change", args=[editor.pk]),
            {"name": "ليلى", "slug": editor.slug, "job_title": "محررة", "photo-clear": "on"},
        )
    )
    assert response.status_code == 302
    assert crafted.files_in(media_in_tmp) == []


def test_deleting_a_story_removes_its_photo_and_renditions(commit, masthead, media_in_tmp):
    article = commit(lambda: story_with_photo(masthead))
    assert len(crafted.files_in(media_in_tmp)) == 1 + len(LEAD_FILES)
    commit(article.delete)
    assert crafted.files_in(media_in_tmp) == []


# --- The rebuild command ------------------------------------------------------------------


def run_rebuild(*args, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("rebuild_renditions", *args, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rebuild_command_makes_missing_renditions_with_a_progress_bar(masthead, media_in_tmp):
    article = story_with_photo(masthead)  # committed nothing: no renditions yet
    editor = EditorFactory(photo=crafted.jpeg())
    out, err = run_rebuild()
    assert renditions_of(media_in_tmp, article.lead_image.name) == LEAD_FILES
    assert len(renditions_of(media_in_tmp, editor.photo.name)) == 4
    assert f"{len(LEAD_FILES) + 4} rendition files written" in out
    assert "100%" in err and "2/2" in err  # tqdm's bar


def test_rebuild_command_skips_what_exists_unless_forced(commit, masthead, media_in_tmp):
    article = commit(lambda: story_with_photo(masthead))
    path = media_in_tmp / "renditions" / article.lead_image.name / "800w.webp"
    before = path.stat().st_mtime_ns
    out, _ = run_rebuild()
    assert "0 rendition files written" in out
    assert path.stat().st_mtime_ns == before
    out, _ = run_rebuild("--force")
    assert f"{len(LEAD_FILES)} rendition files written" in out
    assert path.stat().st_mtime_ns != before


def test_rebuild_command_is_silent_at_verbosity_zero_and_lists_files_at_two(masthead):
    story_with_photo(masthead)
    assert run_rebuild(verbosity=0) == ("", "")
    out, _ = run_rebuild("--force", verbosity=2)
    assert "1200w.webp" in out


def test_rebuild_dry_run_writes_nothing(masthead, media_in_tmp):
    article = story_with_photo(masthead)
    out, _ = run_rebuild("--dry-run")
    assert "1 images would be checked" in out
    assert renditions_of(media_in_tmp, article.lead_image.name) == set()


def test_rebuild_fills_dimensions_of_stories_saved_before_they_were_recorded(masthead):
    article = story_with_photo(masthead, crafted.jpeg(size=(900, 300)))
    Article.objects.filter(pk=article.pk).update(lead_image_width=None, lead_image_height=None)
    run_rebuild()
    assert Article.objects.filter(
        pk=article.pk, lead_image_width=900, lead_image_height=300
    ).exists()


def test_rebuild_reports_an_original_missing_from_storage(masthead, media_in_tmp):
    article = story_with_photo(masthead)
    (media_in_tmp / article.lead_image.name).unlink()
    _, err = run_rebuild()
    assert f"Original missing from storage, skipped: {article.lead_image.name}" in err


def test_rendition_plan_matches_what_is_made_for_odd_sizes():
    plan = images.rendition_plan(images.LEAD, 1001, 667)
    assert [(p.label, p.width, p.height) for p in plan] == [
        (480, 480, 320),
        (800, 800, 533),
        (1200, 1001, 667),
    ]
