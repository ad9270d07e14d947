"""The Article's fields and what each is for: the one list the admin form, its fieldsets,
history's comparison, restore, cards, the article page and search are derived from.

Adding a field to `Article` means adding its line here, deciding each purpose: every entry
states them all (no defaults), and the system check `newsroom.E001` (articles/checks.py) fails
while an editable field of the model has no line, or a line names a field the model lacks.

This module imports nothing of the app, so models, admin and services can all read it.
"""

from dataclasses import dataclass
from enum import Enum


class Source(Enum):
    """Where an admin entry comes from."""

    MODEL = "model"  # a field of Article
    FORM = "form"  # a field of the admin form only, not stored (edit token, workflow comment)
    DISPLAY = "display"  # a read-only value the admin computes (the transition log)


class Compare(Enum):
    """How history shows a change of the field between two versions."""

    TEXT = "text"  # its words diffed side by side
    BODY = "body"  # the body's paragraphs diffed
    NAMED = "named"  # named as changed, its value not diffed
    NO = "no"  # not compared (bookkeeping, or kept outside the version: tags)


class Search(Enum):
    """The search tier a query word found in the field ranks a story in, best first."""

    HEADLINE = "headline"
    DEK = "dek"
    BODY = "body"


# The admin's fieldsets, in order: None is the untitled first one.
MAIN = None
LEAD_IMAGE = "الصورة الرئيسية"
PUBLISHING = "النشر"
HOME_PAGE = "الصفحة الرئيسية"
SEO = "محركات البحث والمشاركة"
INFO = "معلومات"
GROUPS = (MAIN, LEAD_IMAGE, PUBLISHING, HOME_PAGE, SEO, INFO)
COLLAPSED_GROUPS = (SEO, INFO)
NOT_IN_ADMIN = "not in admin"


@dataclass(frozen=True)
class ArticleField:
    name: str
    group: str | None  # the admin fieldset it sits in, or NOT_IN_ADMIN
    in_model_form: bool  # in the admin form's Meta.fields (tags come in through the fieldset)
    compare: Compare
    restored: bool  # restoring an older version brings its value back
    on_cards: bool  # read to build a story's card
    on_lists: bool  # read to place a story in a long list before its card is found
    on_headlines: bool  # read for a link-only list (breaking strip, editors' picks, most read)
    on_the_page: bool  # shown on the article page
    search: Search | None
    source: Source = Source.MODEL


def _field(name, group, *, form, compare, restored, cards, lists, heads, page, search=None):
    return ArticleField(
        name=name,
        group=group,
        in_model_form=form,
        compare=compare,
        restored=restored,
        on_cards=cards,
        on_lists=lists,
        on_headlines=heads,
        on_the_page=page,
        search=search,
    )


def _admin_only(name, group, source):
    return ArticleField(
        name=name,
        group=group,
        in_model_form=False,
        compare=Compare.NO,
        restored=False,
        on_cards=False,
        on_lists=False,
        on_headlines=False,
        on_the_page=False,
        search=None,
        source=source,
    )


T, N, B, NO = Compare.TEXT, Compare.NAMED, Compare.BODY, Compare.NO

# In the order the admin shows them.
# fmt: off
ARTICLE_FIELDS = (
    _admin_only("opened_at", MAIN, Source.FORM),
    _field("kicker", MAIN, form=True, compare=T, restored=True, cards=True, lists=False, heads=True, page=True, search=Search.DEK),  # noqa: E501
    _field("headline", MAIN, form=True, compare=T, restored=True, cards=True, lists=False, heads=True, page=True, search=Search.HEADLINE),  # noqa: E501
    _field("slug", MAIN, form=True, compare=N, restored=True, cards=True, lists=False, heads=True, page=True),  # noqa: E501
    _field("dek", MAIN, form=True, compare=T, restored=True, cards=True, lists=False, heads=False, page=True, search=Search.DEK),  # noqa: E501
    _field("body", MAIN, form=True, compare=B, restored=True, cards=False, lists=False, heads=False, page=True, search=Search.BODY),  # noqa: E501
    _field("lead_image", LEAD_IMAGE, form=True, compare=N, restored=True, cards=True, lists=False, heads=False, page=True),  # noqa: E501
    _field("lead_image_width", NOT_IN_ADMIN, form=False, compare=NO, restored=False, cards=True, lists=False, heads=False, page=True),  # noqa: E501
    _field("lead_image_height", NOT_IN_ADMIN, form=False, compare=NO, restored=False, cards=True, lists=False, heads=False, page=True),  # noqa: E501
    _field("lead_image_alt", LEAD_IMAGE, form=True, compare=N, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("lead_image_caption", LEAD_IMAGE, form=True, compare=N, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("lead_image_credit", LEAD_IMAGE, form=True, compare=N, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("focal_x", LEAD_IMAGE, form=True, compare=NO, restored=False, cards=True, lists=False, heads=False, page=True),  # noqa: E501
    _field("focal_y", LEAD_IMAGE, form=True, compare=NO, restored=False, cards=True, lists=False, heads=False, page=True),  # noqa: E501
    _field("section", PUBLISHING, form=True, compare=N, restored=True, cards=True, lists=True, heads=False, page=True),  # noqa: E501
    _field("tags", PUBLISHING, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("status", PUBLISHING, form=True, compare=N, restored=False, cards=True, lists=False, heads=False, page=False),  # noqa: E501
    _admin_only("workflow_comment", PUBLISHING, Source.FORM),
    _admin_only("withdrawal_explanation", PUBLISHING, Source.FORM),
    _field("published_at", PUBLISHING, form=True, compare=N, restored=False, cards=True, lists=True, heads=True, page=True),  # noqa: E501
    _admin_only("transition_log", PUBLISHING, Source.DISPLAY),
    _admin_only("live_desk", PUBLISHING, Source.DISPLAY),
    _field("is_breaking", HOME_PAGE, form=True, compare=N, restored=False, cards=False, lists=False, heads=True, page=True),  # noqa: E501
    _field("is_featured", HOME_PAGE, form=True, compare=N, restored=False, cards=False, lists=False, heads=True, page=False),  # noqa: E501
    _field("is_pinned", HOME_PAGE, form=True, compare=N, restored=False, cards=True, lists=False, heads=False, page=False),  # noqa: E501
    _field("pinned_until", HOME_PAGE, form=True, compare=N, restored=False, cards=True, lists=True, heads=False, page=False),  # noqa: E501
    _field("seo_title", SEO, form=True, compare=T, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("seo_description", SEO, form=True, compare=T, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("social_title", SEO, form=True, compare=T, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("social_image", SEO, form=True, compare=N, restored=True, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("social_image_width", NOT_IN_ADMIN, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("social_image_height", NOT_IN_ADMIN, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("created_at", INFO, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=False),  # noqa: E501
    _field("created_by", INFO, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=False),  # noqa: E501
    _field("updated_at", INFO, form=False, compare=NO, restored=False, cards=True, lists=True, heads=False, page=True),  # noqa: E501
    _field("revised_at", INFO, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("live_started_at", NOT_IN_ADMIN, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("live_ended_at", NOT_IN_ADMIN, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=True),  # noqa: E501
    _field("updated_by", INFO, form=False, compare=NO, restored=False, cards=False, lists=False, heads=False, page=False),  # noqa: E501
)
# fmt: on


def _names(keep) -> tuple[str, ...]:
    return tuple(entry.name for entry in ARTICLE_FIELDS if keep(entry))


MODEL_FIELDS = _names(lambda e: e.source is Source.MODEL)
IN_MODEL_FORM = _names(lambda e: e.in_model_form)
FORM_ONLY = _names(lambda e: e.source is Source.FORM)
HOME_PAGE_FIELDS = _names(lambda e: e.group == HOME_PAGE)
COMPARED_TEXT = _names(lambda e: e.compare is Compare.TEXT)
COMPARED_BODY = _names(lambda e: e.compare is Compare.BODY)
NAMED_IN_HISTORY = _names(lambda e: e.compare is Compare.NAMED)
RESTORED = _names(lambda e: e.restored)
ON_CARDS = _names(lambda e: e.on_cards)
ON_LISTS = _names(lambda e: e.on_lists)
ON_HEADLINES = _names(lambda e: e.on_headlines)
ON_THE_PAGE = _names(lambda e: e.on_the_page)
SEARCHED = _names(lambda e: e.search is not None)
# The copy a reader reads: the words of the story (its compared text and body) and its lead
# photo with what is said of it. Changing any of them once the story is public is a revision
# the article page owns up to («حُدّث في …»); any other save is not (`Article.revised_at`).
COPY = _names(
    lambda e: (
        (e.group == MAIN and e.compare in (Compare.TEXT, Compare.BODY))
        or (e.group == LEAD_IMAGE and e.compare is Compare.NAMED)
    )
)


def in_search_tier(tier: Search) -> tuple[str, ...]:
    """The fields whose words rank a story in `tier`, in declaration order."""
    return _names(lambda e: e.search is tier)


def admin_fieldsets() -> list:
    """The admin's fieldsets, as `ModelAdmin.fieldsets` takes them."""
    fieldsets = []
    for group in GROUPS:
        options = {"fields": list(_names(lambda e, group=group: e.group == group))}
        if group in COLLAPSED_GROUPS:
            options = {"classes": ["collapse"], **options}
        fieldsets.append((group, options))
    return fieldsets
