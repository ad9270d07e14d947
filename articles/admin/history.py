"""Reading an article's versions (django-reversion) and comparing two of them for a human.

The diff works on words, not characters or raw HTML: the body is read as paragraphs of plain
text, changed paragraphs show deleted words struck out and added words highlighted.
"""

import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from articles.models import Article, ArticleAuthor, Correction, Editor, Section
from articles.models import fields as declared

COMPARED_TEXT_FIELDS = declared.COMPARED_TEXT
# Fields whose change is worth naming even though their text is not diffed.
NAMED_FIELDS = declared.NAMED_IN_HISTORY
_BLOCK_END = re.compile(
    r"<\s*(?:br\s*/?|/p|/h[1-6]|/li|/blockquote|/figcaption|/tr|/div|/pre)\s*>", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>")


def article_versions(article: Article):
    """The article's versions, newest first, with who saved each."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user__editor_profile")
        .order_by("-revision__date_created", "-pk")
    )


def text_blocks(body_html: str) -> list[str]:
    """The body as plain-text paragraphs, one per block element."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", body_html or "")))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def word_diff(old: str, new: str) -> SafeString:
    """`new` with the words removed from `old` in <del> and the words added in <ins>."""
    before, after = old.split(), new.split()
    parts: list[SafeString] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[j1:j2])))
    return mark_safe(" ".join(parts))  # noqa: S308 - every part went through format_html


@dataclass
class BodyRow:
    kind: str  # "same", "changed", "added", "removed"
    html: SafeString


@dataclass
class Comparison:
    old: Version
    new: Version
    fields: list[tuple[str, SafeString, bool]] = field(default_factory=list)
    body: list[BodyRow] = field(default_factory=list)
    other_changes: list[str] = field(default_factory=list)
    old_bylines: str = ""
    new_bylines: str = ""

    @property
    def has_changes(self) -> bool:
        return (
            any(changed for _, _, changed in self.fields)
            or any(row.kind != "same" for row in self.body)
            or bool(self.other_changes)
            or self.old_bylines != self.new_bylines
        )


def body_diff(old_html: str, new_html: str) -> list[BodyRow]:
    before, after = text_blocks(old_html), text_blocks(new_html)
    rows: list[BodyRow] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [BodyRow("same", format_html("{}", text)) for text in before[i1:i2]]
            continue
        old_part, new_part = before[i1:i2], after[j1:j2]
        for index in range(max(len(old_part), len(new_part))):
            if index < len(old_part) and index < len(new_part):
                rows.append(BodyRow("changed", word_diff(old_part[index], new_part[index])))
            elif index < len(old_part):
                rows.append(BodyRow("removed", format_html("<del>{}</del>", old_part[index])))
            else:
                rows.append(BodyRow("added", format_html("<ins>{}</ins>", new_part[index])))
    return rows


def _bylines(version: Version) -> str:
    rows = sorted(
        (v.field_dict["position"], v.field_dict["editor_id"])
        for v in version.revision.version_set.filter(
            content_type__app_label=ArticleAuthor._meta.app_label,
            content_type__model=ArticleAuthor._meta.model_name,
        )
        if v.field_dict["article_id"] == int(version.object_id)
    )
    names = dict(Editor.objects.filter(pk__in=[e for _, e in rows]).values_list("pk", "name"))
    return "، ".join(names.get(editor, "—") for _, editor in rows)


def compare_versions(old: Version, new: Version) -> Comparison:
    """What changed from `old` to `new`: word diffs of the copy, names of other changed fields."""
    before, after = old.field_dict, new.field_dict
    comparison = Comparison(old=old, new=new)
    for name in COMPARED_TEXT_FIELDS:
        label = Article._meta.get_field(name).verbose_name
        changed = before[name] != after[name]
        comparison.fields.append((label, word_diff(before[name], after[name]), changed))
    comparison.body = body_diff(before["body"], after["body"])
    for name in NAMED_FIELDS:
        model_field = Article._meta.get_field(name)
        key = model_field.attname
        if before.get(key) != after.get(key):
            comparison.other_changes.append(str(model_field.verbose_name))
    comparison.old_bylines, comparison.new_bylines = _bylines(old), _bylines(new)
    return comparison


def version_summary(version: Version) -> dict:
    """A version's copy, ready to show: headline, kicker, dek, body paragraphs, section."""
    data = version.field_dict
    section = Section.objects.filter(pk=data["section_id"]).first()
    return {
        "headline": data["headline"],
        "kicker": data["kicker"],
        "dek": data["dek"],
        "paragraphs": format_html_join("", "<p>{}</p>", ((p,) for p in text_blocks(data["body"]))),
        "section": section,
        "status": Article.Status(data["status"]).label if data.get("status") else "",
        "bylines": _bylines(version),
    }


# What one save did, in the words the history page shows -------------------------------------


UNCHANGED = "حُفظ دون تغيير"


def arabic_list(items: list[str]) -> str:
    """«أ، ب وج»: commas between, «و» joined to the last."""
    if len(items) < 2:
        return "".join(items)
    return f"{'، '.join(items[:-1])} و{items[-1]}"


def _changed_labels(form) -> list[str]:
    # Labels, never field names: a field without a label is bookkeeping, not copy. The state
    # changes only by a workflow move, which the comment names with its note.
    return [
        str(form.fields[name].label)
        for name in form.changed_data
        if name != "status" and form.fields[name].label
    ]


def _bylines_changed(formsets) -> bool:
    return any(
        formset.new_objects or formset.changed_objects or formset.deleted_objects
        for formset in formsets
        if formset.model is ArticleAuthor
    )


def describe_save(form, formsets, *, add: bool) -> str:
    """What an admin save changed, for its version: «عُدّل العنوان والمتن؛ الكتّاب: …».

    Only fields whose content changed are named (the form decides, see
    ArticleAdminForm.changed_data), by their labels; an unchanged save says so.
    """
    parts = ["أُنشئ الخبر"] if add else []
    labels = [] if add else _changed_labels(form)
    if labels:
        parts.append(f"عُدّل {arabic_list(labels)}")
    if not add and _bylines_changed(formsets):
        bylines = ArticleAuthor.objects.filter(article=form.instance).select_related("editor")
        names = "، ".join(byline.editor.name for byline in bylines.order_by("position", "pk"))
        parts.append(f"الكتّاب الآن: {names}" if names else "حُذف الكتّاب")
    notes = _notes_changed(formsets)
    if notes:
        parts.append(notes)
    return "؛ ".join(parts) or UNCHANGED


def _notes_changed(formsets) -> str:
    """The corrections, clarifications and updates this save added, changed or deleted."""
    said = []
    for formset in formsets:
        if formset.model is not Correction:
            continue
        for verb, notes in (
            ("أُضيف", formset.new_objects),
            ("عُدّل", [note for note, _ in formset.changed_objects]),
            ("حُذف", formset.deleted_objects),
        ):
            said += [f"{verb} {note.get_kind_display()}" for note in notes]
    return "، ".join(said)
