"""Forgery checks for the anonymous forms, which cannot use cookie-based CSRF."""

from urllib.parse import urlsplit


def cross_site(request) -> bool:
    """True when the browser says the form was posted from another site.

    `Sec-Fetch-Site` is trusted when present. `Origin: null` (privacy modes, some Tor
    setups) is unknown rather than hostile: the signed form token still has to be valid.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site:
        return fetch_site == "cross-site"
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc != request.get_host()
