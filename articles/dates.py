"""Dates as Arabic readers expect them: Arabic month names (Django's `ar` locale), an optional
Hijri date (hijridate, Umm al-Qura calendar), and optional Arabic-Indic digits."""

from datetime import date, datetime

from django.template.defaultfilters import date as format_date
from django.utils import timezone
from hijridate import Gregorian

ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def to_arabic_indic(text: str) -> str:
    return text.translate(ARABIC_INDIC_DIGITS)


def hijri_date(value: date | datetime) -> str:
    """«20 ربيع الثاني 1443 هـ», or "" outside the calendar's range (1924–2077)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except OverflowError:
        return ""
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} {hijri.notation('ar')}"


def newsroom_date(
    value: date | datetime | None,
    format_string: str,
    *,
    with_hijri: bool = False,
    arabic_indic: bool = False,
) -> str:
    """The date in `format_string` (Django's date format, Arabic month names), then the Hijri
    date when asked, and Arabic-Indic digits when asked."""
    value = value or timezone.now()
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # as the |date filter does in templates
    text = format_date(value, format_string)
    if with_hijri and (hijri := hijri_date(value)):
        text = f"{text}، {hijri}"
    return to_arabic_indic(text) if arabic_indic else text
