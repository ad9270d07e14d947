"""Arabic text helpers shared by slugs (and, later, search)."""

import re

from django.utils.text import slugify

TATWEEL = "\u0640"
# Bidi controls and zero-width characters arrive with text pasted from other sites; they are
# invisible to the editor and must not end up in addresses.
INVISIBLE_CONTROLS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def arabic_slugify(text: str, max_length: int = 200) -> str:
    """A readable Unicode slug: Arabic letters kept, tatweel and invisible controls dropped."""
    cleaned = INVISIBLE_CONTROLS.sub("", text).replace(TATWEEL, "")
    return slugify(cleaned, allow_unicode=True)[:max_length].strip("-")
