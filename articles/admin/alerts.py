"""The desk's breaking alerts: the one confirmation before a send, and the alerts sent so far.

From a published breaking story's form the desk opens «إرسال تنبيه عاجل»: a page that shows the
alert's text (the headline, which the editor may shorten) and how many readers will get it, with
one button that sends (`articles.alerts.alert_send`, which checks the permission, the story and
the rate limit again on the server). «التنبيهات العاجلة» lists what was sent with its counts,
read-only: an alert is a record, never edited.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from articles import alerts
from articles.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "story",
        "sent_by",
        "created_at",
        "status",
        "subscribers",
        "sent",
        "failed",
        "gone",
    ]
    list_filter = ["status"]
    list_select_related = ["article", "sent_by"]
    search_fields = ["title", "article__headline"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    readonly_fields = [
        "article",
        "title",
        "sent_by",
        "created_at",
        "delivered_at",
        "status",
        "subscribers",
        "sent",
        "failed",
        "gone",
        "last_error",
    ]
    fields = readonly_fields

    @admin.display(description="الخبر", ordering="article__headline")
    def story(self, alert):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[alert.article_id]),
            alert.article.headline,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def can_offer_alert(*, article, user) -> bool:
    """Whether the story's form shows «إرسال تنبيه عاجل» (the send page says why not, if not)."""
    return bool(
        article is not None
        and alerts.can_send_alerts(user)
        and article.is_breaking
        and article.is_published
        and not Alert.objects.filter(article_id=article.pk).exists()
    )


def alert_confirm_view(model_admin, request, object_id):
    """GET: the alert as it will go, and to how many; POST: send it (one confirmation)."""
    if not alerts.can_send_alerts(request.user):
        raise PermissionDenied(alerts.SEND_REFUSAL)
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("لا يوجد خبر بهذا الرقم.")
    title = article.headline
    if request.method == "POST":
        title = request.POST.get("title", "")[: alerts.MAX_TITLE_LENGTH * 2]
        try:
            alert = alerts.alert_send(article=article, by=request.user, title=title)
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            model_admin.message_user(
                request,
                f"أُرسل التنبيه «{alert.title}» إلى {alert.subscribers} مشترك؛ "
                "تظهر أعداد التسليم هنا حين يكتمل.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_alert_changelist"))
    ready = alerts.readiness(article=article)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "إرسال تنبيه عاجل",
        "subtitle": str(article),
        "opts": model_admin.model._meta,
        "original": article,
        "alert_title": title,
        "max_title_length": alerts.MAX_TITLE_LENGTH,
        "ready": ready,
    }
    return TemplateResponse(request, "admin/articles/article/alert_confirm.html", context)
