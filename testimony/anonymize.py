"""Strip what identifies a survivor from every request before anything else sees it.

The first middleware derives the one thing abuse controls need, a coarse rate-limit key
(DESIGN.md invariant 7), and then deletes the client address, forwarded-for headers, user
agent, referer and cookies from every request that is not on a staff-only path.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

RATE_KEY_BITS = 20
# Headers that name a person's machine, network or path here. Everything matching a
# forwarding prefix is removed too (X-Forwarded-*, X-Real-IP, Forwarded, CF-Connecting-IP...).
_STRIP_EXACT = {
    "REMOTE_ADDR",  # stripped, like every name in this set
    "REMOTE_HOST",
    "REMOTE_PORT",
    "REMOTE_USER",
    "HTTP_USER_AGENT",  # stripped
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_FORWARDED",
    "HTTP_VIA",
    "HTTP_X_REAL_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_CLIENT_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_FROM",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
}
_STRIP_PREFIXES = ("HTTP_X_FORWARDED_", "HTTP_SEC_CH_UA_", "HTTP_X_ORIGINAL_FORWARDED")
PLACEHOLDER_ADDR = "0.0.0.0"
# Health probes and the metrics scrape limit nothing, and must answer while the cache (which
# holds the rate key's daily secret) is down: they get no rate key. They are stripped all the same.
PROBE_PATHS = ("/healthz", "/readyz", "/metrics")


def is_staff_path(path: str) -> bool:
    return path.startswith(settings.STAFF_PATH_PREFIXES)


def client_address(meta: dict) -> str:
    """The address of the client, trusting exactly TRUSTED_PROXY_COUNT proxies in front."""
    hops = settings.TRUSTED_PROXY_COUNT
    remote = meta.get("REMOTE_ADDR", "")  # read only to derive the hmac rate key, never kept
    if hops <= 0:
        return remote
    chain = [
        part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    # Each trusted proxy appended the address it saw; the one the outermost proxy saw is
    # the client, anything further left was written by the client itself.
    return chain[-hops] if len(chain) >= hops else remote


# Today's key as this process last read it: (name, key, read at). Read again after a minute,
# so that every process agrees on the key within a minute even if the cache lost it.
_KEY_READ_SECONDS = 60
_known: tuple[str, bytes, float] | None = None


def _daily_key() -> bytes:
    """A random key for today, shared through the cache, gone by tomorrow. Kept in the process
    for a minute: it was a cache round trip for every request (a fifth of a story's intake)."""
    global _known
    name = f"ratekey:{timezone.localdate().isoformat()}"
    now = time.monotonic()
    if _known is not None and _known[0] == name and now - _known[2] < _KEY_READ_SECONDS:
        return _known[1]
    key = cache.get(name)
    if key is None:
        cache.add(name, secrets.token_hex(32), timeout=24 * 3600)
        key = cache.get(name)
    _known = (name, bytes.fromhex(key), now)
    return _known[1]


def rate_key(address: str) -> str:
    """20 bits of an HMAC of the address: each value stands for thousands of addresses."""
    digest = hmac.new(_daily_key(), address.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:4], "big") >> (32 - RATE_KEY_BITS)
    return f"{value:05x}"


def _forwarded_https(meta: dict) -> bool:
    """Whether a trusted proxy said the client came over HTTPS (SECURE_PROXY_SSL_HEADER)."""
    if not settings.SECURE_PROXY_SSL_HEADER:
        return False
    header, secure = settings.SECURE_PROXY_SSL_HEADER
    return meta.get(header, "").split(",", 1)[0].strip() == secure


def strip_identifying_data(meta: dict) -> None:
    https = _forwarded_https(meta)
    for name in list(meta):
        if name in _STRIP_EXACT or name.startswith(_STRIP_PREFIXES):
            del meta[name]
    # Code that insists on an address gets one that names nobody.
    meta["REMOTE_ADDR"] = PLACEHOLDER_ADDR  # after strip: an address that names nobody
    if https:
        # The scheme names nobody; the proxy's word for it is kept, rewritten to the one value
        # Django compares, so request.is_secure() and the SSL redirect still work behind it.
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        meta[header] = secure


class StripIdentifyingDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.is_survivor_facing = not is_staff_path(request.path_info)
        if request.is_survivor_facing:
            if request.path_info not in PROBE_PATHS:
                request.rate_key = rate_key(client_address(request.META))
            strip_identifying_data(request.META)
            request.COOKIES = {}
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
        "serial",
        "bluetooth",
        "publickey-credentials-get",
    )
)


class PrivacyHeadersMiddleware:
    """No page loads anything from a third party; survivor pages are never stored or cookied."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if getattr(request, "is_survivor_facing", False):
            response.headers["Referrer-Policy"] = "same-origin"
            if "Cache-Control" not in response.headers:
                response.headers["Cache-Control"] = "no-store"
            response.cookies.clear()
            if "Set-Cookie" in response.headers:
                del response.headers["Set-Cookie"]
        return response
