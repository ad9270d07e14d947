from django import template

from articles.admin.dashboard import desk_queues, publishing_chart, publishing_counts

register = template.Library()


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    user = context["request"].user
    return {
        "queues": desk_queues(user=user),
        "chart": publishing_chart(publishing_counts()),
        "user": user,
        "request": context["request"],
    }
