from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "الطاقم والأمان"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, trail  # noqa: F401  (connects the audit receivers)

        trail.register()
