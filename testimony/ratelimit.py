"""Fixed-window counters in the cache, keyed only on the coarse rate key (invariant 7)."""

from django.core.cache import cache
from django.utils import timezone

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'10/h' -> (10, 3600); 'off' -> None."""
    if rate.strip().lower() in ("", "off", "none", "0"):
        return None
    count, _, unit = rate.strip().partition("/")
    seconds = _UNITS.get(unit.strip().lower()[:1] or "h")
    if not count.strip().isdigit() or seconds is None:
        raise ValueError(f"a rate looks like '10/h', not {rate!r}")
    return int(count), seconds


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one request; False once the key has used up its allowance for this window."""
    parsed = parse_rate(rate)
    if parsed is None:
        return True
    limit, window = parsed
    now = int(timezone.now().timestamp())
    name = f"rl:{scope}:{key}:{now // window}"
    # TTL never beyond a day (DESIGN.md invariant 7).
    if cache.add(name, 1, timeout=min(window, 86400)):
        return limit >= 1  # "0/h" lets nothing through, not the first one
    try:
        return cache.incr(name) <= limit
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=min(window, 86400))
        return limit >= 1


def count(scope: str, key: str, rate: str) -> int:
    """How many requests the key has made in the current window (0 when limits are off)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return 0
    _, window = parsed
    now = int(timezone.now().timestamp())
    return int(cache.get(f"rl:{scope}:{key}:{now // window}") or 0)


def limit_of(rate: str) -> int | None:
    parsed = parse_rate(rate)
    return None if parsed is None else parsed[0]
