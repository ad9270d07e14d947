"""The paper's brand on every page: the masthead's logo, the site icons and the web app
manifest, all read from the masthead (`frame.masthead`, kept with the frame: a change to the
masthead bumps SITE, so every page, the manifest and the header are built again).

Without an uploaded logo the masthead shows the paper's name as text; without an uploaded icon
the pages and the manifest name the icons shipped in static/articles/.
"""

import math
from dataclasses import dataclass

from django.templatetags.static import static
from django.urls import reverse

from articles import images
from articles.models import Masthead
from articles.web import frame

# The logo takes the height of the masthead name it replaces (site.css `.masthead__name`: a
# font size of clamp(1.875rem, 8vw, 4.5rem), a line height of 1.25): 37.5 px on screens up to
# 375 px wide, 10vw between, 90 px from 900 px on. Its `sizes` (its width) follows from that.
LOGO_HEIGHT_MIN_PX = 37.5
LOGO_HEIGHT_VW = 10
LOGO_HEIGHT_MAX_PX = 90
LOGO_SMALLEST_SCREEN_PX = 375  # where 8vw reaches 1.875rem
LOGO_LARGEST_SCREEN_PX = 900  # where 8vw reaches 4.5rem

DEFAULT_ICONS = (
    {"src": "articles/favicon.svg", "sizes": "any", "type": "image/svg+xml"},
    {"src": "articles/favicon.png", "sizes": "64x64", "type": "image/png"},
)
MANIFEST_ICON_USES = ("app", "large")
BACKGROUND_COLOR = "#ffffff"  # the page's background (site.css --paper): the splash screen's


@dataclass(frozen=True)
class Icon:
    href: str
    sizes: str
    type: str


@dataclass(frozen=True)
class Brand:
    logo: images.Picture | None
    logo_sizes: str  # the logo's `sizes`: its width on each screen
    icons: tuple[Icon, ...]  # <link rel="icon">
    apple_touch_icon: str | None  # <link rel="apple-touch-icon">
    theme_color: str


def brand(request) -> Brand:
    """The brand of the masthead this request shows, however many templates ask."""
    if not hasattr(request, "_newsroom_brand"):
        request._newsroom_brand = brand_of(frame.masthead(request))
    return request._newsroom_brand


def brand_of(masthead: Masthead) -> Brand:
    logo = masthead.logo_picture()
    uploaded = masthead.icon_urls()
    if uploaded:
        tab, app = images.ICON_SIZES["tab"], images.ICON_SIZES["app"]
        icons = (
            Icon(uploaded["tab"], f"{tab}x{tab}", "image/png"),
            Icon(uploaded["app"], f"{app}x{app}", "image/png"),
        )
    else:
        icons = tuple(
            Icon(static(icon["src"]), icon["sizes"], icon["type"]) for icon in DEFAULT_ICONS
        )
    return Brand(
        logo=logo,
        logo_sizes=_logo_sizes(logo),
        icons=icons,
        apple_touch_icon=uploaded.get("apple"),
        theme_color=masthead.theme_color,
    )


def _logo_sizes(logo: images.Picture | None) -> str:
    if logo is None:
        return ""
    ratio = logo.width / logo.height
    return (
        f"(min-width: {LOGO_LARGEST_SCREEN_PX}px) {math.ceil(LOGO_HEIGHT_MAX_PX * ratio)}px, "
        f"(max-width: {LOGO_SMALLEST_SCREEN_PX}px) {math.ceil(LOGO_HEIGHT_MIN_PX * ratio)}px, "
        f"{math.ceil(LOGO_HEIGHT_VW * ratio * 100) / 100:g}vw"
    )


def manifest(masthead: Masthead) -> dict:
    """The web app manifest (https://www.w3.org/TR/appmanifest/): what a phone shows when a
    reader adds the paper to the home screen."""
    uploaded = masthead.icon_urls()
    if uploaded:
        icons = [
            {
                "src": uploaded[use],
                "sizes": f"{images.ICON_SIZES[use]}x{images.ICON_SIZES[use]}",
                "type": "image/png",
                "purpose": "any",
            }
            for use in MANIFEST_ICON_USES
        ]
    else:
        icons = [{**icon, "src": static(icon["src"])} for icon in DEFAULT_ICONS]
    home = reverse("articles:home")
    return {
        "id": home,
        "name": masthead.site_name,
        "short_name": masthead.app_name,
        **({"description": masthead.tagline} if masthead.tagline else {}),
        "lang": "ar",
        "dir": "rtl",
        "start_url": home,
        "scope": home,
        "display": "minimal-ui",
        "theme_color": masthead.theme_color,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }
