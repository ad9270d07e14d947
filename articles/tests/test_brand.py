"""The paper's own brand: a logo and an icon uploaded in the masthead, checked and cleaned as
photos are, shown in every page's header and head, and a web app manifest; all cached with the
pages and rebuilt the moment the masthead changes."""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import Masthead
from articles.tests import crafted_images as crafted
from articles.tests.test_caching import page

pytestmark = pytest.mark.django_db

SVG_REFUSED = "ملفات SVG غير مقبولة"
NOT_AN_IMAGE = "ليس صورة JPEG أو PNG أو WebP أو GIF صالحة"
DAMAGED = "الصورة تالفة أو ناقصة"
TOO_LARGE = "والحد الأقصى"
ICON_TOO_SMALL = "الأيقونة صغيرة"
CREDIT = "رئيس مجلسي الإدارة والتحرير: محمد الباز"
HEX_NAME = "[0-9a-f]{32}"


def masthead_form(masthead, **changes) -> dict:
    return {
        "site_name": masthead.site_name,
        "tagline": masthead.tagline,
        "chief_role_label": masthead.chief_role_label,
        "short_name": masthead.short_name,
        "theme_color": masthead.theme_color,
        **changes,
    }


def post_masthead(staff_client, masthead, **changes):
    return staff_client.post(
        reverse("admin:articles_masthead_change", args=[masthead.pk]),
        masthead_form(masthead, **changes),
    )


def wide_png(name="logo.png", size=(800, 200)) -> crafted.SimpleUploadedFile:
    """A transparent logo, as a designer exports one."""
    buffer = io.BytesIO()
    Image.new("RGBA", size, (163, 20, 27, 200)).save(buffer, "PNG")
    return crafted.upload(name, buffer.getvalue(), "image/png")


def icon_png(size=(600, 600), name="icon.png"):
    return crafted.upload(name, crafted.image_bytes("PNG", size=size), "image/png")


def real_svg(name="logo.svg") -> crafted.SimpleUploadedFile:
    return crafted.upload(name, crafted.SVG_WITH_SCRIPT, "image/svg+xml")


def opened(media, name) -> Image.Image:
    return Image.open(io.BytesIO((media / name).read_bytes()))


# --- Uploads ---------------------------------------------------------------------------------


def test_logo_uploaded_in_the_masthead_is_stored_clean_under_a_random_name_with_renditions(
    staff_client, masthead, media_in_tmp, commit
):
    response = commit(lambda: post_masthead(staff_client, masthead, logo=crafted.leaky_png()))
    assert response.status_code == 302
    masthead.refresh_from_db()
    assert re.fullmatch(rf"logos/{HEX_NAME}\.png", masthead.logo.name)
    assert (masthead.logo_width, masthead.logo_height) == (64, 48)
    stored = (media_in_tmp / masthead.logo.name).read_bytes()
    assert images.metadata_found(stored) == []  # no EXIF, GPS, XMP, text, ICC, trailing bytes
    renditions = media_in_tmp / "renditions" / masthead.logo.name
    assert {path.name for path in renditions.iterdir()} == {"240w.webp", "240w.jpg"}


def test_camera_jpeg_logo_loses_its_exif_and_gps(staff_client, masthead, media_in_tmp, commit):
    commit(lambda: post_masthead(staff_client, masthead, logo=crafted.leaky_jpeg()))
    masthead.refresh_from_db()
    assert masthead.logo.name.endswith(".jpg")
    assert "IMG_1234" not in masthead.logo.name
    assert images.metadata_found((media_in_tmp / masthead.logo.name).read_bytes()) == []


def test_icon_upload_makes_square_png_icons_for_the_tab_the_home_screen_and_the_manifest(
    staff_client, masthead, media_in_tmp, commit
):
    response = commit(lambda: post_masthead(staff_client, masthead, favicon=icon_png((600, 400))))
    assert response.status_code == 302
    masthead.refresh_from_db()
    assert re.fullmatch(rf"icons/{HEX_NAME}\.png", masthead.favicon.name)
    folder = f"renditions/{masthead.favicon.name}"
    for size in (32, 180, 192, 512):
        icon = opened(media_in_tmp, f"{folder}/icon-{size}.png")
        assert (icon.format, icon.size) == ("PNG", (size, size))
    # Padded, not cropped: the wide upload sits in the middle of a transparent square...
    assert opened(media_in_tmp, f"{folder}/icon-512.png").getpixel((256, 10))[3] == 0
    # ...except Apple's, which iOS would show on black: on white instead.
    apple = opened(media_in_tmp, f"{folder}/icon-180.png")
    assert apple.mode == "RGB"
    assert apple.getpixel((90, 2)) == (255, 255, 255)


REFUSALS = [
    pytest.param("logo", real_svg, SVG_REFUSED, id="logo-svg"),
    pytest.param("favicon", real_svg, SVG_REFUSED, id="icon-svg"),
    pytest.param(
        "logo",
        lambda: crafted.upload("logo.png", crafted.SVG_WITH_SCRIPT, "image/png"),
        SVG_REFUSED,
        id="svg-renamed-png",
    ),
    pytest.param(
        "logo",
        lambda: crafted.upload("logo.svgz", b"\x1f\x8b\x08\x00", "image/svg+xml"),
        SVG_REFUSED,
        id="svgz",
    ),
    pytest.param("logo", lambda: crafted.impostor("html"), NOT_AN_IMAGE, id="html-renamed-jpg"),
    pytest.param("logo", lambda: crafted.truncated(crafted.png()), DAMAGED, id="truncated-png"),
    pytest.param("logo", crafted.decompression_bomb_png, "أكبر من الحد المسموح", id="bomb"),
    pytest.param("favicon", lambda: icon_png((64, 64)), ICON_TOO_SMALL, id="icon-too-small"),
]


@pytest.mark.parametrize(("field", "make", "message"), REFUSALS)
def test_refused_logo_or_icon_says_why_in_arabic_keeps_the_masthead_and_stores_nothing(
    staff_client, masthead, media_in_tmp, commit, field, make, message
):
    response = commit(
        lambda: post_masthead(staff_client, masthead, site_name="الاسم الجديد", **{field: make()})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="الاسم الجديد"' in html  # what the editor typed is still there
    masthead.refresh_from_db()
    assert masthead.site_name == "الصحيفة"
    assert not masthead.logo and not masthead.favicon
    assert crafted.files_in(media_in_tmp) == []


def test_logo_over_the_size_limit_is_refused_and_stores_nothing(
    staff_client, masthead, media_in_tmp, settings
):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 1000
    response = post_masthead(staff_client, masthead, logo=crafted.jpeg(size=(800, 600)))
    assert TOO_LARGE in response.content.decode()
    assert crafted.files_in(media_in_tmp) == []


def test_an_svg_is_refused_outside_the_admin_too(masthead):
    masthead.logo = real_svg()
    masthead.favicon = real_svg("icon.svg")
    with pytest.raises(ValidationError) as refusal:
        masthead.full_clean()
    assert SVG_REFUSED in refusal.value.message_dict["logo"][0]
    assert SVG_REFUSED in refusal.value.message_dict["favicon"][0]


def test_replacing_the_logo_removes_the_old_one_and_its_renditions(
    staff_client, masthead, media_in_tmp, commit
):
    commit(lambda: post_masthead(staff_client, masthead, logo=wide_png()))
    masthead.refresh_from_db()
    old = masthead.logo.name
    commit(lambda: post_masthead(staff_client, masthead, logo=wide_png("new.png")))
    masthead.refresh_from_db()
    assert masthead.logo.name != old
    files = crafted.files_in(media_in_tmp)
    assert not [name for name in files if old in name]
    assert masthead.logo.name in files


def test_theme_colour_must_be_a_hex_colour_and_is_kept_in_lower_case(staff_client, masthead):
    response = post_masthead(staff_client, masthead, theme_color="red")
    assert "اكتب اللون بصيغة #RRGGBB" in response.content.decode()
    assert post_masthead(staff_client, masthead, theme_color="#A3141B").status_code == 302
    masthead.refresh_from_db()
    assert masthead.theme_color == "#a3141b"


def test_masthead_form_offers_a_colour_picker_and_shows_the_brand_as_readers_see_it(
    staff_client, masthead, commit
):
    url = reverse("admin:articles_masthead_change", args=[masthead.pk])
    assert 'type="color"' in staff_client.get(url).content.decode()
    commit(lambda: post_masthead(staff_client, masthead, logo=wide_png(), favicon=icon_png()))
    html = staff_client.get(url).content.decode()
    assert 'alt="الصحيفة"' in html
    assert "icon-32.png" in html


# --- What readers get ------------------------------------------------------------------------


def with_brand(masthead, commit, *, logo=True, icon=True, **fields) -> Masthead:
    def save():
        if logo:
            masthead.logo = wide_png()
        if icon:
            masthead.favicon = icon_png()
        for name, value in fields.items():
            setattr(masthead, name, value)
        masthead.save()

    commit(save)
    return masthead


def test_header_shows_the_logo_sized_with_the_papers_name_as_its_text_and_keeps_the_credit(
    client, published_article, masthead, commit
):
    with_brand(masthead, commit)
    html = client.get("/").content.decode()
    header = html[html.index('<header class="masthead"') : html.index("</header>")]
    logo = re.search(r'<img class="masthead__logo"[^>]*>', header).group(0)
    assert 'alt="الصحيفة"' in logo
    assert 'width="800"' in logo and 'height="200"' in logo  # its box is known before it loads
    assert f"/media/renditions/{masthead.logo.name}/480w.jpg" in logo  # the middle rendition
    assert f"/media/renditions/{masthead.logo.name}/960w.webp 800w" in header
    assert "sizes=" in header
    assert CREDIT in header


def test_without_a_logo_the_masthead_shows_the_papers_name_as_text(client, published_article):
    html = client.get("/").content.decode()
    header = html[html.index('<header class="masthead"') : html.index("</header>")]
    assert "masthead__logo" not in header
    assert ">الصحيفة</a>" in header
    assert CREDIT in header


def test_every_page_links_the_manifest_the_theme_colour_and_the_uploaded_icons(
    client, published_article, masthead, commit
):
    with_brand(masthead, commit, logo=False, theme_color="#a3141b")
    icons = f"/media/renditions/{masthead.favicon.name}"
    for url in ["/", published_article.get_absolute_url(), "/search/?q=x", "/لا-يوجد/"]:
        html = client.get(url).content.decode()
        head = html[: html.index("</head>")]
        assert '<link rel="manifest" href="/manifest.webmanifest">' in head, url
        assert '<meta name="theme-color" content="#a3141b">' in head, url
        tab = f'<link rel="icon" href="{icons}/icon-32.png" type="image/png" sizes="32x32">'
        assert tab in head, url
        assert f'<link rel="apple-touch-icon" href="{icons}/icon-180.png"' in head
        assert "favicon.svg" not in head  # a browser would prefer it to the paper's icon


def test_favicon_ico_leads_to_the_uploaded_icon(client, masthead, commit):
    with_brand(masthead, commit, logo=False)
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == f"/media/renditions/{masthead.favicon.name}/icon-32.png"


def test_an_icon_a_killed_process_never_made_is_made_when_first_asked_for(
    client, masthead, commit, media_in_tmp
):
    with_brand(masthead, commit, logo=False)
    made = media_in_tmp / "renditions" / masthead.favicon.name / "icon-192.png"
    made.unlink()
    response = client.get(f"/media/renditions/{masthead.favicon.name}/icon-192.png")
    assert response.status_code == 200
    assert made.exists()
    assert client.get(f"/media/renditions/{masthead.favicon.name}/icon-193.png").status_code == 404


def test_publisher_in_the_article_json_ld_carries_the_uploaded_logo(
    client, published_article, masthead, commit
):
    with_brand(masthead, commit, icon=False)
    html = client.get(published_article.get_absolute_url()).content.decode()
    assert f"/media/renditions/{masthead.logo.name}/960w.jpg" in html


# --- The manifest ----------------------------------------------------------------------------


def manifest_of(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_manifest_names_the_paper_in_arabic_right_to_left_with_the_shipped_icons(client, masthead):
    response, manifest = manifest_of(client)
    assert response["Content-Type"] == "application/manifest+json"
    assert "الصحيفة" in response.content.decode()  # Arabic as letters, not \u escapes
    assert manifest["name"] == manifest["short_name"] == "الصحيفة"
    assert (manifest["lang"], manifest["dir"]) == ("ar", "rtl")
    assert manifest["start_url"] == manifest["scope"] == "/"
    assert manifest["theme_color"] == "#ffffff"
    assert manifest["background_color"] == "#ffffff"
    assert {icon["src"] for icon in manifest["icons"]} == {
        "/static/articles/favicon.svg",
        "/static/articles/favicon.png",
    }


def test_manifest_carries_the_short_name_colour_and_uploaded_icons(client, masthead, commit):
    with_brand(masthead, commit, logo=False, short_name="الصحيفة", theme_color="#A3141B")
    masthead.site_name = "الصحيفة اليومية المستقلة"
    masthead.save()
    _response, manifest = manifest_of(client)
    assert manifest["name"] == "الصحيفة اليومية المستقلة"
    assert manifest["short_name"] == "الصحيفة"
    assert manifest["theme_color"] == "#a3141b"
    icons = f"/media/renditions/{masthead.favicon.name}"
    assert manifest["icons"] == [
        {"src": f"{icons}/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": f"{icons}/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    ]


def test_manifest_is_cached_like_a_page_sets_no_cookie_and_validates(client, masthead):
    first, _ = manifest_of(client)
    assert "public" in first["Cache-Control"]
    assert first["ETag"]
    assert not first.cookies
    again, queries = page(client, "/manifest.webmanifest")
    assert queries == 0
    assert again.content == first.content
    unchanged = client.get("/manifest.webmanifest", headers={"if-none-match": first["ETag"]})
    assert unchanged.status_code == 304


# --- Caches follow the masthead -------------------------------------------------------------


@pytest.mark.parametrize("shared", ["diskcache", "redis"])
def test_a_new_logo_colour_or_icon_reaches_every_cached_page_and_the_manifest(
    client, published_article, masthead, commit, request, shared
):
    if shared == "redis":
        request.getfixturevalue("redis_cache")
    urls = ["/", published_article.get_absolute_url(), "/manifest.webmanifest"]
    for url in urls:
        page(client, url)
        assert page(client, url)[1] == 0, f"{url} should now come from the cache"

    with_brand(masthead, commit, short_name="صحيفتي", theme_color="#123456")

    for url in ["/", published_article.get_absolute_url()]:
        html = page(client, url)[0].content.decode()
        assert 'class="masthead__logo"' in html, url
        assert '<meta name="theme-color" content="#123456">' in html, url
        assert "icon-32.png" in html, url
    manifest = json.loads(page(client, "/manifest.webmanifest")[0].content)
    assert manifest["short_name"] == "صحيفتي"
    assert manifest["icons"][0]["src"].endswith("/icon-192.png")


def test_rebuild_renditions_remakes_the_logos_and_the_icons_missing_files(
    masthead, commit, media_in_tmp
):
    with_brand(masthead, commit)
    logo = media_in_tmp / "renditions" / masthead.logo.name / "240w.webp"
    icon = media_in_tmp / "renditions" / masthead.favicon.name / "icon-512.png"
    logo.unlink()
    icon.unlink()
    call_command("rebuild_renditions", verbosity=0)
    assert logo.exists() and icon.exists()


def test_clearing_the_logo_and_icon_brings_back_the_name_and_the_shipped_icon_and_removes_files(
    staff_client, client, published_article, masthead, commit, media_in_tmp
):
    with_brand(masthead, commit)
    assert "masthead__logo" in client.get("/").content.decode()
    response = commit(
        lambda: post_masthead(staff_client, masthead, **{"logo-clear": "on", "favicon-clear": "on"})
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "masthead__logo" not in html
    assert ">الصحيفة</a>" in html
    assert '<link rel="icon" href="/static/articles/favicon.svg"' in html
    assert "apple-touch-icon" not in html
    assert crafted.files_in(media_in_tmp) == []
