"""Template helpers of the public site: absolute addresses, JSON-LD, and dates as the
masthead settings ask (Hijri date beside the Gregorian one, Arabic-Indic digits)."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Inside <script> nothing may close the element or open a comment: escape <, > and &.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The full address of `path` on the host the reader used."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def json_ld(data: dict) -> str:
    """`data` as a schema.org <script type="application/ld+json"> element, safe to embed."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
