from django.db.models import Q
from django.utils.functional import SimpleLazyObject, lazy

from articles.models import Editor
from articles.web import brand, frame

# The footer credits the senior staff; a newsroom of hundreds still shows one short list.
FOOTER_STAFF_LIMIT = 12


# Made once: `lazy` builds a class on each call, which every page would otherwise pay.
_credit_line = lazy(lambda masthead, editor_in_chief: masthead.credit_line(editor_in_chief()), str)


def masthead(request):
    """What every public page shares: paper name, brand (logo, icons, colour), chief's credit,
    sections, staff credits.

    Lazy: a page that never shows them (an admin page) runs no query for them, and a public page
    runs one for the staff (the editor-in-chief first, so the credit line comes from the same
    rows) and one for the sections, however much the paper has published.
    """
    masthead = frame.masthead(request)
    staff = SimpleLazyObject(
        lambda: list(
            Editor.objects.filter(Q(is_editor_in_chief=True) | ~Q(job_title="")).order_by(
                "-is_editor_in_chief", "name"
            )[:FOOTER_STAFF_LIMIT]
        )
    )

    def editor_in_chief():
        return staff[0] if staff and staff[0].is_editor_in_chief else None

    return {
        "masthead": masthead,
        "brand": SimpleLazyObject(lambda: brand.brand(request)),
        "editor_in_chief": SimpleLazyObject(editor_in_chief),
        "masthead_credit": _credit_line(masthead, editor_in_chief),
        "nav_sections": SimpleLazyObject(lambda: frame.navigation_sections(request)),
        "footer_staff": staff,
        "site_scripts": frame.SITE_SCRIPTS,
    }
