"""Arabic text helpers shared by slugs and search."""

import re

from django.utils.text import slugify

TATWEEL = "\u0640"
# Bidi controls and zero-width characters arrive with text pasted from other sites; they are
# invisible to the editor and must not end up in addresses or break search.
INVISIBLE_CONTROLS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# Tashkeel (harakat, tanween, shadda, sukun, Quranic marks, dagger alef) is dropped.
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")

# One spelling for the letters writers (and scraped pages) vary: «مجلسى» and «مجلسي»,
# «الأطلنطي» and «الاطلنطي», «مدرسة» and «مدرسه» become the same word.
LETTER_FORMS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        # Arabic-Indic and Persian (extended) digits become ASCII digits.
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)


def normalize_arabic(text: str) -> str:
    """The one spelling search compares: used when indexing and when reading a query.

    Alef forms become bare alef, alef maqsura ya, taa marbuta ha, hamza on waw or ya the bare
    letter; tashkeel, tatweel and invisible bidi controls go; Eastern digits become 0-9.
    """
    text = INVISIBLE_CONTROLS.sub("", text or "").replace(TATWEEL, "")
    return DIACRITICS.sub("", text).translate(LETTER_FORMS)


def arabic_slugify(text: str, max_length: int = 200) -> str:
    """A readable Unicode slug: Arabic letters kept, tatweel and invisible controls dropped."""
    cleaned = INVISIBLE_CONTROLS.sub("", text).replace(TATWEEL, "")
    return slugify(cleaned, allow_unicode=True)[:max_length].strip("-")
