from .models import Editor, Masthead, Section


def masthead(request):
    """The header every public page shares: paper name, chief's credit, section navigation."""
    masthead = Masthead.for_request(request)
    editor_in_chief = Editor.objects.filter(is_editor_in_chief=True).first()
    return {
        "masthead": masthead,
        "editor_in_chief": editor_in_chief,
        "masthead_credit": masthead.credit_line(editor_in_chief),
        "nav_sections": Section.objects.in_navigation(),
    }
