"""django-csp's middleware, with the site's own policy built once per process.

django-csp builds the Content-Security-Policy header from the settings on every response: two
policies (enforced and report-only), each through `dataclasses.asdict`, a real part of a page
the page cache answers. The header of a response under the settings'
policy alone is the same every time, so it is built once; any other response (a view decorated
with `csp_update`, `csp_replace` or `csp_exempt`, one that used the nonce, DEBUG's error pages)
goes through django-csp as before.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What django-csp's decorators leave on a response whose policy is not the settings' own.
OWN_POLICY_ATTRIBUTES = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)
POLICIES = (
    (HEADER, "CONTENT_SECURITY_POLICY", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)


class SitePolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in OWN_POLICY_ATTRIBUTES)
        ):
            return super().process_response(request, response)
        for header, policy, excluded_prefixes in _site_policies():
            if (
                policy
                and header not in response
                and not request.path_info.startswith(excluded_prefixes)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@cache
def _site_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, policy, excluded address prefixes) of the enforced and report-only policies."""
    return tuple(
        (
            header,
            build_policy(report_only=report_only),
            tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()),
        )
        for header, setting, report_only in POLICIES
    )


@receiver(setting_changed)
def _forget_site_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policies.cache_clear()
