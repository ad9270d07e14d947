"""Tags as editors type them, and the admin widget that suggests existing ones."""

import re
from urllib.parse import urlencode

from django.urls import reverse
from taggit.forms import TagWidget

from articles.arabic import INVISIBLE_CONTROLS, TATWEEL

# Editors separate tags with the Arabic comma «،» as often as with «,»; a space never
# separates, because most Arabic tags are several words («الشرق الأوسط»).
SEPARATORS = re.compile("[,،\n]")


def parse_tags(tagstring: str) -> list[str]:
    """TAGGIT_TAGS_FROM_STRING: the distinct, cleaned tag names of a comma-separated string."""
    names = []
    for raw in SEPARATORS.split(tagstring or ""):
        name = " ".join(INVISIBLE_CONTROLS.sub("", raw).replace(TATWEEL, "").strip('"').split())
        if name and name not in names:
            names.append(name[:100])
    return sorted(names)


def edit_string_for_tags(tags) -> str:
    """TAGGIT_STRING_FROM_TAGS: what the admin field shows, ready to be saved back unchanged."""
    return "، ".join(sorted(tag.name for tag in tags))


class TagAutocompleteWidget(TagWidget):
    """taggit's comma-separated text box, plus suggestions of existing tags as one types.

    The suggestions come from the admin's own autocomplete endpoint (permission-checked, the
    Tag admin's search_fields); without JavaScript the box still works as plain text.
    """

    class Media:
        js = ["articles/admin/tag_autocomplete.js"]

    def get_context(self, name, value, attrs):
        query = urlencode({"app_label": "articles", "model_name": "article", "field_name": name})
        attrs = {
            **(attrs or {}),
            "data-tag-autocomplete": f"{reverse('admin:autocomplete')}?{query}",
            "autocomplete": "off",
            "dir": "auto",
            "size": 60,
        }
        return super().get_context(name, value, attrs)
