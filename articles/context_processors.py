from .models import Editor, Masthead, Section

# The footer credits the senior staff; a newsroom of hundreds still shows one short list.
FOOTER_STAFF_LIMIT = 12


def masthead(request):
    """What every public page shares: paper name, chief's credit, sections, staff credits.

    The querysets are lazy: a page that never shows them (an admin page) never runs them, and a
    page that does runs each once, however much the paper has published.
    """
    masthead = Masthead.load()
    editor_in_chief = Editor.objects.filter(is_editor_in_chief=True).first()
    return {
        "masthead": masthead,
        "editor_in_chief": editor_in_chief,
        "masthead_credit": masthead.credit_line(editor_in_chief),
        "nav_sections": Section.objects.in_navigation(),
        "footer_staff": Editor.objects.exclude(job_title="").order_by(
            "-is_editor_in_chief", "name"
        )[:FOOTER_STAFF_LIMIT],
    }
