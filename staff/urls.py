"""Staff accounts' own pages, all under /admin/: the two-factor sign-in and enrolment
(django-two-factor-auth's views, namespace `two_factor`) and «جلساتي»."""

from django.contrib import admin
from django.urls import include, path
from two_factor.views import QRGeneratorView

from .two_factor import (
    StaffLoginView,
    StaffProfileView,
    StaffRecoveryCodesView,
    StaffSetupCompleteView,
    StaffSetupView,
)
from .views import my_sessions

# The admin's own password-only sign-in form is replaced by the wizard at the same address,
# so `admin:login` and every "sign in" link lead to it.
two_factor_patterns = [
    path("login/", StaffLoginView.as_view(), name="login"),
    path("account/two-factor/", StaffProfileView.as_view(), name="profile"),
    path("account/two-factor/setup/", StaffSetupView.as_view(), name="setup"),
    path("account/two-factor/qrcode/", QRGeneratorView.as_view(), name="qr"),
    path("account/two-factor/setup/done/", StaffSetupCompleteView.as_view(), name="setup_complete"),
    path(
        "account/two-factor/recovery-codes/", StaffRecoveryCodesView.as_view(), name="backup_tokens"
    ),
]

urlpatterns = [
    path("", include((two_factor_patterns, "two_factor"))),
    path("account/sessions/", admin.site.admin_view(my_sessions), name="staff_sessions"),
]
