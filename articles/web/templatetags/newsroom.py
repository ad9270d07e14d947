"""Template helpers of the public site: absolute addresses, JSON-LD, and dates as the
masthead settings ask (Hijri date beside the Gregorian one, Arabic-Indic digits)."""

import json
from urllib.parse import quote

from django import template
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import addresses, images
from articles.dates import newsroom_date, to_arabic_indic
from articles.pagecache import pages as caching
from articles.web import cards

register = template.Library()

# Inside <script> nothing may close the element or open a comment: <, > and & as JSON escapes,
# replaced one after the other (three str.replace calls are far cheaper than str.translate on a
# JSON-LD block).
SCRIPT_SAFE = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The full address of `path` on the host the reader used."""
    return context["request"].build_absolute_uri(path)


@register.filter
def in_page(url: str) -> str:
    """`{{ story.get_absolute_url|in_page }}`: a link's address with its Arabic as letters
    (`addresses.in_page`)."""
    return addresses.in_page(url)


@register.simple_tag
def json_ld(data: dict) -> str:
    """`data` as a schema.org <script type="application/ld+json"> element, safe to embed."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escaped in SCRIPT_SAFE:
        payload = payload.replace(character, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def site_date(context, value=None, format_string="j F Y", hijri=False) -> str:
    """A date as the masthead settings ask: `{% site_date article.published_at "j F Y" %}`.

    With `hijri=True` the Hijri date follows when the masthead shows it; digits are
    Arabic-Indic when the masthead says so. Without a value, today.
    """
    masthead = context.get("masthead")
    return newsroom_date(
        value,
        format_string,
        with_hijri=bool(hijri and masthead and masthead.show_hijri_date),
        arabic_indic=bool(masthead and masthead.use_arabic_indic_digits),
    )


@register.filter
def site_digits(value, masthead) -> str:
    """`{{ number|site_digits:masthead }}`: Arabic-Indic digits when the masthead says so."""
    text = str(value)
    return to_arabic_indic(text) if masthead and masthead.use_arabic_indic_digits else text


def _frame(context, template_name: str, vary: tuple) -> str:
    template = context.template.engine.get_template(template_name)
    if "request" not in context:
        # The 500 page renders without a request or the masthead: plain, and touching nothing.
        return template.render(context)
    return caching.frame_fragment(template_name, vary, lambda: template.render(context))


# Where the reader's query goes in the results page's kept header: a character no text holds
# (a Unicode noncharacter), which escaping leaves as it is.
QUERY_SLOT = "\ufdd0"


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    """includes/header.html, shared by every page that marks the same section as current.

    The results page's header shows the query in its search boxes: it is kept once, with a
    slot where the query goes, and each page fills it in (escaped) rather than keeping a header
    per query."""
    section, article = context.get("section"), context.get("article")
    query = context.get("search_query")
    vary = (
        getattr(context.get("request"), "path", None) == "/",
        getattr(section, "pk", None),
        getattr(article, "section_id", None),
        query is not None,
    )
    if query is None:
        return _frame(context, "includes/header.html", vary)
    with context.push(search_query=QUERY_SLOT):
        header = _frame(context, "includes/header.html", vary)
    return mark_safe(header.replace(QUERY_SLOT, escape(query.replace(QUERY_SLOT, ""))))  # noqa: S308


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    """includes/footer.html: the same on every page."""
    return _frame(context, "includes/footer.html", ())


def _arabic_indic(context) -> bool:
    masthead = context.get("masthead")
    return bool(masthead and masthead.use_arabic_indic_digits)


@register.simple_tag(takes_context=True)
def article_card(context, article, large=False) -> str:
    """`{% article_card story %}`: a story in a list (`web/cards.py`)."""
    return cards.prepared_card(article, large=large, arabic_indic=_arabic_indic(context))


@register.simple_tag(takes_context=True)
def article_cards(context, articles) -> str:
    """`{% article_cards articles %}`: a list's stories, a card each. One tag for the list: a
    template loop around `article_card` cost more than the cards it placed (home page: 90)."""
    return _cards(articles, arabic_indic=_arabic_indic(context))


def _cards(stories, *, arabic_indic: bool) -> str:
    return mark_safe(  # noqa: S308 - cards are rendered by their template, which escapes
        "".join(
            cards.prepared_card(story, large=False, arabic_indic=arabic_indic) for story in stories
        )
    )


@register.simple_tag(takes_context=True)
def section_blocks(context, blocks) -> str:
    """`{% section_blocks blocks %}`: the home page's block of each section, its title linking
    to the section and its newest stories as cards. Built here rather than as a template loop,
    which made every rebuild of the home page markedly dearer (bench/RESULTS.md): the cards
    inside are templates, rendered once per edit and kept."""
    arabic_indic = _arabic_indic(context)
    return format_html_join(
        "\n",
        '<section class="section-block" aria-labelledby="section-{}">\n'
        '  <h2 id="section-{}" class="block-title"><a href="{}">{}</a></h2>\n'
        '  <div class="section-block__stories">\n    {}\n  </div>\n</section>',
        (
            (
                section.pk,
                section.pk,
                addresses.in_page(section.get_absolute_url()),
                section.name,
                _cards(stories, arabic_indic=arabic_indic),
            )
            for section, stories in blocks
        ),
    )


@register.inclusion_tag("includes/picture.html")
def picture(
    picture,
    *,
    alt="",
    sizes="100vw",
    lazy=False,
    priority=False,
    img_class="",
    display_width=None,
    display_height=None,
) -> dict:
    """`{% picture article.lead_picture alt=… sizes=… priority=True %}`: one responsive image
    (`includes/picture.html`, which cards include too); `display_width` and `display_height`
    when its box has a fixed size."""
    return {
        "picture": picture,
        "alt": alt,
        "sizes": sizes,
        "lazy": lazy,
        "priority": priority,
        "img_class": img_class,
        "width": display_width,
        "height": display_height,
    }


@register.inclusion_tag("includes/byline.html")
def byline(story) -> dict:
    """`{% byline story %}`: its authors in byline order, linked (`includes/byline.html`)."""
    return {"authors": story.authors}


@register.inclusion_tag("includes/share.html", takes_context=True)
def share_links(context, article) -> dict:
    """`{% share_links article %}`: the services' own share pages for the story's short link
    (`includes/share.html`), their addresses built here rather than by a chain of filters."""
    url = context["request"].build_absolute_uri(
        reverse("articles:short_link", kwargs={"pk": article.pk})
    )
    title = article.share_title
    link, text = quote(url, safe=""), quote(title, safe="")
    return {
        "share_url": url,
        "title": title,
        "services": (
            ("whatsapp", "واتساب", f"https://wa.me/?text={quote(f'{title} {url}', safe='')}"),
            ("telegram", "تيليجرام", f"https://t.me/share/url?url={link}&text={text}"),
            ("facebook", "فيسبوك", f"https://www.facebook.com/sharer/sharer.php?u={link}"),
            ("x", "إكس", f"https://twitter.com/intent/tweet?url={link}&text={text}"),
        ),
    }


@register.filter
def body_html(body: str):
    """`{{ article.body|body_html }}`: the stored body (cleaned on every save), its own photos
    served with their renditions, dimensions and lazy loading (`images.body_pictures`)."""
    return mark_safe(images.body_pictures(body, storage=default_storage))  # noqa: S308 - cleaned at save
