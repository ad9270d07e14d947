from django.urls import include, path


def broken_view(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", broken_view), path("", include("articles.web.urls"))]
