"""The admin's article form: workflow-aware status field and the no-lost-edits guard."""

from datetime import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.formsets import (
    DELETION_FIELD_NAME,
    INITIAL_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from articles import sanitize, workflow
from articles.models import Article, ArticleAuthor, Correction
from articles.models import fields as declared

Status = Article.Status

# The admin splits a date-time into a date box and a time box under one visible label, which
# names only the first box; each box gets a name of its own for screen readers.
SPLIT_DATETIME_NAMES = {
    "published_at": ("تاريخ النشر", "ساعة النشر"),
    "pinned_until": ("تاريخ انتهاء التثبيت", "ساعة انتهاء التثبيت"),
}


def name_split_datetime_boxes(form: forms.BaseForm) -> None:
    for field_name, labels in SPLIT_DATETIME_NAMES.items():
        field = form.fields.get(field_name)  # absent when read-only for this user
        if field is not None and isinstance(field.widget, forms.MultiWidget):
            for widget, label in zip(field.widget.widgets, labels, strict=True):
                widget.attrs["aria-label"] = label


def display_name(user) -> str:
    """How the newsroom knows a user: their byline name, else full name, else username."""
    if user is None:
        return "مستخدم آخر"
    profile = getattr(user, "editor_profile", None)
    if profile is not None:
        return profile.name
    return user.get_full_name() or user.get_username()


def edit_token(article: Article) -> str:
    """What the form remembers about the version the editor opened."""
    return article.updated_at.isoformat() if article.updated_at else ""


# Fields a form posted without them (no JavaScript, an older tab) keeps as stored.
KEPT_WHEN_NOT_POSTED = ("focal_x", "focal_y")


class ArticleAdminForm(forms.ModelForm):
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)
    workflow_comment = forms.CharField(
        label="ملاحظة مع تغيير الحالة",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="تُحفظ في سجل الخبر. عند إعادة الخبر إلى كاتبه اكتب له ما المطلوب.",
    )

    withdrawal_explanation = forms.CharField(
        label="توضيح السحب للقراء",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60, "dir": "auto"}),
        help_text="اختياري، عند سحب الخبر فقط: يظهر للقراء على صفحته بعد سحبه.",
    )

    # Set per request by ArticleAdmin.get_form(): the user who fills this form in.
    editing_user = None

    class Meta:
        model = Article
        fields = list(declared.IN_MODEL_FORM)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.instance
        self.original_status = article.status if article.pk else Status.DRAFT
        self.original_state = article.effective_status if article.pk else Status.DRAFT
        self.planned_move: workflow.Move | None = None
        self.move_kwargs: dict = {}
        if article.pk and not self.is_bound:
            self.fields["opened_at"].initial = edit_token(article)
        name_split_datetime_boxes(self)
        # A form posted without the focal point (no JavaScript, an older tab) keeps the
        # stored one, or the centre for a new story, rather than refusing the save.
        for name in ("focal_x", "focal_y"):
            if name in self.fields:
                self.fields[name].required = False
        if "status" in self.fields and self.editing_user is not None:
            current_label = Status(self.original_state).label
            self.fields["status"].choices = [(self.original_status, current_label)] + [
                (move.target, f"{Status(move.target).label} ({move.label})")
                for move in workflow.available_moves(article=article, user=self.editing_user)
                if move.target != self.original_status
            ]

    def clean_body(self):
        """The stored body when the posted one is the same copy written another way: CKEditor
        writes an untouched body again with its own line breaks and entities, which is no edit
        (the version keeps the body as it was, and history does not name it)."""
        body = self.cleaned_data.get("body", "")
        stored = self.initial.get("body")
        if stored is not None and sanitize.normalized_body(body) == sanitize.normalized_body(
            stored
        ):
            return stored
        return body

    @cached_property
    def changed_data(self):
        """The fields whose content this save changes, as history names them: the edit token
        and the workflow note are not content (the move and its note are logged with it), and
        the body counts only when its copy changed (see clean_body)."""
        changed = [name for name in super().changed_data if name not in declared.FORM_ONLY]
        cleaned = getattr(self, "cleaned_data", {})
        # The body's copy written another way, and a focal point the form did not post (kept
        # as stored, see `_focal`), come back as they were: not a change.
        for name in ("body", *KEPT_WHEN_NOT_POSTED):
            if name in changed and name in cleaned and cleaned[name] == self.initial.get(name):
                changed.remove(name)
        return changed

    def _focal(self, name: str) -> float:
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_focal_x(self):
        return self._focal("focal_x")

    def clean_focal_y(self):
        return self._focal("focal_y")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_if_someone_saved_since_opened()
        self._plan_move(cleaned)
        pinned_until = cleaned.get("pinned_until")
        if cleaned.get("is_pinned") and pinned_until and pinned_until <= timezone.now():
            self._error("pinned_until", "وقت انتهاء التثبيت يجب أن يكون في المستقبل.")
        return cleaned

    def _refuse_if_someone_saved_since_opened(self):
        """No lost edits: if the article changed after this form was opened, refuse the save.

        The row is locked (inside the admin's transaction) so two saves cannot both pass.
        """
        stored = (
            Article.objects.select_for_update(of=("self",))
            .select_related("updated_by__editor_profile")
            .get(pk=self.instance.pk)
        )
        token = self.cleaned_data.get("opened_at") or ""
        try:
            opened = datetime.fromisoformat(token)
        except ValueError:
            opened = None
        if opened == stored.updated_at:
            return
        when = date_format(timezone.localtime(stored.updated_at), "j F Y، الساعة H:i")
        raise ValidationError(
            f"لم يُحفظ الخبر: عدّله {display_name(stored.updated_by)} في {when} بعد أن فتحته "
            "أنت، وحفظك الآن كان سيمحو تعديله. نصك باقٍ في النموذج أدناه: انسخ ما أضفته، ثم "
            "افتح الخبر من جديد في نافذة أخرى وأدخل تعديلاتك على أحدث نسخة.",
            code="stale",
        )

    def _error(self, field: str | None, message: str) -> None:
        """Attach to `field` when the form shows it (it may be read-only for this user)."""
        self.add_error(field if field in self.fields else None, message)

    def _plan_move(self, cleaned):
        """Work out which workflow move this save asks for, and refuse it now if not allowed.

        The admin then makes the move through the workflow service, which checks again.
        """
        article = self.instance
        target = cleaned.get("status", self.original_status)
        published_at = cleaned.get("published_at", article.published_at)
        comment = cleaned.get("workflow_comment", "")
        now = timezone.now()

        if target == self.original_status:
            if self.original_state == Status.SCHEDULED and published_at != article.published_at:
                target = Status.SCHEDULED  # a new time for a scheduled story is a reschedule
            elif (
                self.original_state == Status.PUBLISHED
                and published_at is not None
                and published_at > now
            ):
                self._error(
                    "published_at",
                    "لا يُنقل خبر منشور إلى وقت في المستقبل؛ اسحبه أو أعده إلى المسودة ثم جدوله.",
                )
                return
            else:
                return

        move = workflow.move_to(target, current=self.original_state)
        if move is None:
            self._error(
                "status",
                f"لا يمكن نقل خبر «{Status(self.original_state).label}» إلى "
                f"«{Status(target).label}».",
            )
            return
        try:
            workflow.check_move(article=article, user=self.editing_user, move=move)
        except (PermissionDenied, ValidationError) as error:
            message = error.args[0] if isinstance(error, PermissionDenied) else error.messages[0]
            self._error("status", message)
            return

        if move is workflow.SCHEDULE:
            if published_at is None or published_at <= now:
                self._error("published_at", "للجدولة اختر وقت نشر في المستقبل.")
                return
            self.move_kwargs = {"at": published_at, "comment": comment}
        elif move is workflow.PUBLISH:
            if published_at is not None and published_at > now:
                self._error(
                    "published_at",
                    "هذا الوقت في المستقبل: اختر الحالة «مجدول» لينشر الخبر في موعده، "
                    "أو امسح الوقت لينشر الآن.",
                )
                return
            self.move_kwargs = {"at": published_at, "comment": comment}
        elif move is workflow.SEND_BACK:
            if not comment.strip():
                self._error("workflow_comment", "اكتب للكاتب سبب إعادة الخبر وما المطلوب منه.")
                return
            self.move_kwargs = {"comment": comment}
        elif move is workflow.WITHDRAW:
            explanation = cleaned.get("withdrawal_explanation", "")
            self.move_kwargs = {"comment": comment, "explanation": explanation}
        else:
            self.move_kwargs = {"comment": comment}
        self.planned_move = move


class ArticleAuthorForm(forms.ModelForm):
    """One byline row of the article form. The row's boxes sit under column headings, not
    labels, so each gets its accessible name here (the autocomplete's script reads it)."""

    class Meta:
        model = ArticleAuthor
        fields = ["editor", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in {"editor": "الكاتب", "position": "ترتيب الكاتب"}.items():
            if name in self.fields:
                widget = self.fields[name].widget
                # The autocomplete sits inside the admin's wrapper (the add/change buttons).
                getattr(widget, "widget", widget).attrs["aria-label"] = label


class ArticleAuthorFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].widget.attrs["aria-label"] = "احذف الكاتب من الخبر"


class CorrectionForm(forms.ModelForm):
    """One correction, clarification or update of the article form (the desk's inline). The
    services in `articles/workflow.py` save it; the model cleans its text on every path."""

    class Meta:
        model = Correction
        fields = ["kind", "placement", "noted_at", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 60, "dir": "auto"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("noted_at")
        if field is not None and isinstance(field.widget, forms.MultiWidget):
            for widget, label in zip(
                field.widget.widgets, ("تاريخ الملاحظة", "وقت الملاحظة"), strict=True
            ):
                widget.attrs["aria-label"] = label


class CorrectionFormSet(forms.BaseInlineFormSet):
    """The article form's notes. A post without them (a tab opened before the story had this
    inline, a client that never shows it) changes no note, rather than refusing the whole save,
    as fields not posted keep their stored values (KEPT_WHEN_NOT_POSTED)."""

    @cached_property
    def management_form(self):
        if self.is_bound and f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:
            form = ManagementForm(
                {f"{self.prefix}-{TOTAL_FORM_COUNT}": 0, f"{self.prefix}-{INITIAL_FORM_COUNT}": 0},
                auto_id=self.auto_id,
                prefix=self.prefix,
                renderer=self.renderer,
            )
            form.full_clean()
            return form
        return super().management_form
