from django.apps import AppConfig
from django.db.models.signals import post_delete, post_init, post_save
from django_cleanup import apps as cleanup_apps
from django_cleanup import cache as cleanup_cache
from django_tasks_db import apps as tasks_db_apps


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "التحرير"

    def ready(self):
        from articles import checks, images, most_read, search  # noqa: F401  (most_read counts page reads)
        from articles.models import Article
        from articles.pagecache import invalidation  # noqa: F401  (connects the cache purge receivers)
        from newsroom import proxies  # noqa: F401  (registers the deploy check newsroom.W001)

        images.configure_pillow()
        checks.register()

        # The search index follows every save and delete, whatever the path (admin, importer,
        # workflow services, shell).
        post_save.connect(search.on_article_saved, sender=Article, dispatch_uid="search-index")
        post_delete.connect(search.on_article_deleted, sender=Article, dispatch_uid="search-drop")


class TaskQueueConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks-db, the queue of work that runs after the response, named in Arabic."""

    default = False
    verbose_name = "طابور المهام"


class FileCleanupConfig(cleanup_apps.CleanupConfig):
    """django-cleanup (old files go when a photo is replaced or its story deleted), without its
    post_init receiver.

    That receiver copies every file field of every Article and Editor loaded, to remember the
    old names: about a quarter of a cold home page (90 stories, 150 bylines). django-cleanup's
    own pre_save fallback reads the old names from the database when an object is saved
    instead, one query per save, and the names it reads are the stored ones.
    """

    default = False  # "articles" names ArticlesConfig; settings name this one in full

    def ready(self):
        super().ready()
        for model in cleanup_cache.cleanup_models():
            post_init.disconnect(
                sender=model,
                dispatch_uid=f"post_init_django_cleanup_{cleanup_cache.get_model_name(model)}",
            )
