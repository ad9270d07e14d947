"""The address a request comes from, behind the proxies in front of the app, and the deploy
check that says when those proxies are not declared.

Sign-in throttling (django-axes) locks a username *from one address*. Behind a load balancer
or a CDN, every request arrives from the proxy's own address (`REMOTE_ADDR`): unless the app
knows how many proxies stand in front of it, every reader shares that one address, and anyone
can lock any editor out by failing to sign in as them.

`AXES_PROXY_COUNT` (environment) says how many proxies there are. Each one appends the address
it received the request from to `X-Forwarded-For`, so with N proxies the client is the N-th
entry from the right; whatever a client writes in the header itself stays to the left of it
and is never believed.
"""

import ipaddress

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _address(text: str) -> str | None:
    """`text` as an IP address (a port or IPv6 brackets, as some proxies write, removed)."""
    text = text.strip()
    candidates = [text]
    if text.startswith("["):
        candidates.append(text[1 : text.find("]")] if "]" in text else text)
    elif text.count(":") == 1:
        candidates.append(text.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_ip_address(request) -> str | None:
    """The client's address as the outermost of `NEWSROOM_PROXY_COUNT` proxies saw it
    (django-axes' `AXES_CLIENT_IP_CALLABLE`); `REMOTE_ADDR` without proxies, or when the
    header is shorter than the proxies declared or does not hold an address there."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.NEWSROOM_PROXY_COUNT
    if not count:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote


def looks_proxied() -> bool:
    """The settings say a proxy terminates TLS in front of the app (PRODUCTION turns this on)."""
    return bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))


@register(Tags.security, deploy=True)
def check_proxy_count(app_configs=None, **kwargs):
    if not settings.AXES_ENABLED or settings.NEWSROOM_PROXY_COUNT is not None:
        return []
    if not (looks_proxied() or getattr(settings, "PRODUCTION", False)):
        return []
    return [
        Warning(
            "The app is configured to run behind a proxy (PRODUCTION or "
            "SECURE_PROXY_SSL_HEADER), but AXES_PROXY_COUNT is not set: sign-in throttling "
            "would see every visitor as the proxy's one address, so anyone could lock any "
            "editor out by failing to sign in as them.",
            hint=(
                "Set AXES_PROXY_COUNT to the number of proxies in front of the app that append "
                "to X-Forwarded-For (1 for one load balancer, 2 for a CDN in front of it), or "
                "to 0 if clients reach the app directly. See README, Production."
            ),
            id="newsroom.W001",
        )
    ]
