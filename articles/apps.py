from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "التحرير"

    def ready(self):
        from . import invalidation  # noqa: F401  (connects the cache purge receivers)
