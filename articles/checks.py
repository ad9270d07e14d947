"""System checks of the newsroom's own rules: `manage.py check` and every test run apply them."""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist


def article_fields_declared(app_configs=None, model=None, **kwargs) -> list[checks.Error]:
    """Every editable field of Article has its line in `articles/models/fields.py`, and every
    line there names a field Article has: the admin form, history, restore, cards and search
    are derived from that list, so a field left out of it would be silently left out of them."""
    from articles.models import Article
    from articles.models import fields as declared

    model = model or Article
    errors = []
    for field in model._meta.concrete_fields:
        if field.editable and not field.primary_key and field.name not in declared.MODEL_FIELDS:
            errors.append(
                checks.Error(
                    f"Article.{field.name} is editable but has no line in "
                    "articles/models/fields.py ARTICLE_FIELDS.",
                    hint="Add an entry stating its admin group, whether history compares it "
                    "and restore brings it back, and whether cards and the article page show it.",
                    obj=model,
                    id="newsroom.E001",
                )
            )
    for name in declared.MODEL_FIELDS:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            errors.append(
                checks.Error(
                    f"articles/models/fields.py declares '{name}', which Article does not have.",
                    hint="Remove the entry, or mark it Source.FORM or Source.DISPLAY if the "
                    "admin provides it.",
                    obj=model,
                    id="newsroom.E002",
                )
            )
    return errors


def register() -> None:
    checks.register(article_fields_declared, checks.Tags.models)
