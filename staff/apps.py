from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class StaffConfig(AppConfig):
    default = True  # this module holds the library apps' configurations too
    name = "staff"
    verbose_name = "الطاقم والأمان"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, trail  # noqa: F401  (connects the audit receivers)

        trail.register()


# The libraries the desk's security stands on name their apps after themselves («Axes»,
# «Otp_Static»); in the admin's sidebar they read as what they hold.
class SignInLocksConfig(AxesConfig):
    verbose_name = "محاولات الدخول والحظر"


class AuthenticatorAppsConfig(TOTPConfig):
    verbose_name = "تطبيقات المصادقة"


class RecoveryCodesConfig(StaticConfig):
    verbose_name = "رموز الاسترداد"
