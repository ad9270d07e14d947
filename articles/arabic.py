"""Arabic text helpers shared by slugs and search."""

import re

from django.utils.text import slugify

TATWEEL = "\u0640"
# Bidi controls and zero-width characters arrive with text pasted from other sites; they are
# invisible to the editor and must not end up in addresses or break search.
INVISIBLE_RANGES = ("\u200b-\u200f", "\u202a-\u202e", "\u2066-\u2069", "\ufeff")
INVISIBLE_CONTROLS = re.compile(f"[{''.join(INVISIBLE_RANGES)}]")

# Tashkeel (harakat, tanween, shadda, sukun, Quranic marks, dagger alef) is dropped.
DIACRITIC_RANGES = (
    "\u0610-\u061a", "\u064b-\u065f", "\u0670", "\u06d6-\u06dc", "\u06df-\u06e8", "\u06ea-\u06ed"
)  # fmt: skip

# One spelling for the letters writers (and scraped pages) vary: «مجلسى» and «مجلسي»,
# «الأطلنطي» and «الاطلنطي», «مدرسة» and «مدرسه» become the same word.
LETTER_FORMS = {
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


def _deleted(*ranges: str) -> dict[int, None]:
    """Spans of characters ("first-last", or one character) as str.translate deletions."""
    return {
        code: None
        for first, _, last in (span.partition("-") for span in ranges)
        for code in range(ord(first), ord(last or first) + 1)
    }


# All of normalization in one pass of str.translate: indexing a story reads every word of it,
# and three regular-expression passes took most of that time.
NORMALIZATION = str.maketrans(LETTER_FORMS) | _deleted(
    *INVISIBLE_RANGES, *DIACRITIC_RANGES, TATWEEL
)


# Only the marks that normalization deletes: what is left is the word as written, one character
# for each of its normalized form's.
UNMARKING = _deleted(*INVISIBLE_RANGES, *DIACRITIC_RANGES, TATWEEL)


def unmarked(text: str) -> str:
    """`text` without tashkeel, tatweel and invisible controls, its letters as written."""
    return (text or "").translate(UNMARKING)


def normalize_arabic(text: str) -> str:
    """The one spelling search compares: used when indexing and when reading a query.

    Alef forms become bare alef, alef maqsura ya, taa marbuta ha, hamza on waw or ya the bare
    letter; tashkeel, tatweel and invisible bidi controls go; Eastern digits become 0-9.
    """
    return (text or "").translate(NORMALIZATION)


def arabic_slugify(text: str, max_length: int = 200) -> str:
    """A readable Unicode slug: Arabic letters kept, tatweel and invisible controls dropped."""
    cleaned = INVISIBLE_CONTROLS.sub("", text).replace(TATWEEL, "")
    return slugify(cleaned, allow_unicode=True)[:max_length].strip("-")
