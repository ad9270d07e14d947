from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "التحرير"

    def ready(self):
        from . import (
            images,
            invalidation,  # noqa: F401  (connects the cache purge receivers)
            search,
        )
        from .models import Article

        images.configure_pillow()

        # The search index follows every save and delete, whatever the path (admin, importer,
        # workflow services, shell).
        post_save.connect(search.on_article_saved, sender=Article, dispatch_uid="search-index")
        post_delete.connect(search.on_article_deleted, sender=Article, dispatch_uid="search-drop")
