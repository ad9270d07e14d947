from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<str:slug>/", views.SectionView.as_view(), name="section"),
    path("article/<int:pk>/<str:slug>/", views.ArticleView.as_view(), name="article"),
    path("editor/<str:slug>/", views.EditorView.as_view(), name="editor"),
    path("preview/<int:pk>/", views.PreviewView.as_view(), name="preview"),
    path("preview/shared/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
]
