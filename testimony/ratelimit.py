"""Fixed-window counters in the cache, keyed only on the coarse rate key (invariant 7).

`hit` counts one request against one limit. `hit_in_order` counts one request against several
limits, in order, stopping at the first that refuses: on Redis that is one round trip (a Lua
script run by the server), elsewhere (the in-process cache of `make run` and the unit tests)
the same steps one `hit` at a time. Both give the same answers: tests/testimony/test_ratelimit.py
runs the same sequences through both.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_MAX_TTL = 86400  # TTL never beyond a day (DESIGN.md invariant 7)


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'10/h' -> (10, 3600); 'off' -> None."""
    if rate.strip().lower() in ("", "off", "none", "0"):
        return None
    count, _, unit = rate.strip().partition("/")
    seconds = _UNITS.get(unit.strip().lower()[:1] or "h")
    if not count.strip().isdigit() or seconds is None:
        raise ValueError(f"a rate looks like '10/h', not {rate!r}")
    return int(count), seconds


def _name(scope: str, key: str, window: int) -> str:
    now = int(timezone.now().timestamp())
    return f"rl:{scope}:{key}:{now // window}"


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one request; False once the key has used up its allowance for this window."""
    parsed = parse_rate(rate)
    if parsed is None:
        return True
    limit, window = parsed
    name = _name(scope, key, window)
    if cache.add(name, 1, timeout=min(window, _MAX_TTL)):
        return limit >= 1  # "0/h" lets nothing through, not the first one
    try:
        return cache.incr(name) <= limit
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=min(window, _MAX_TTL))
        return limit >= 1


@dataclass(frozen=True)
class Hit:
    """One limit of `hit_in_order`. A limit with `refuses=False` is counted, never refuses."""

    scope: str
    key: str
    rate: str
    refuses: bool = True


# KEYS: the counters, in order. ARGV: per counter its limit, its TTL and 1 if it may refuse.
# Each counter is counted; the first that goes over its limit and may refuse stops the count
# and its (1-based) position is returned; 0 when every one was within.
_IN_ORDER = """
for i, name in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 * i - 2])
  local ttl = tonumber(ARGV[3 * i - 1])
  local refuses = ARGV[3 * i] == "1"
  local count = redis.call("INCR", name)
  if count == 1 then redis.call("EXPIRE", name, ttl) end
  if count > limit and refuses then return i end
end
return 0
"""


def _redis_client():
    """The Redis client of the default cache, or None when the cache is not Redis."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    if get_client is None or not hasattr(cache, "make_and_validate_key"):
        return None
    return get_client(None, write=True)


_script = None  # one Script (its SHA-1), run through whichever client the cache hands out


def hit_in_order(hits: Sequence[Hit]) -> int | None:
    """Count one request against each limit in turn; the index of the first that refused
    (the ones after it are not counted), or None when every one let it through."""
    counted = [(index, item, parse_rate(item.rate)) for index, item in enumerate(hits)]
    counted = [(index, item, parsed) for index, item, parsed in counted if parsed is not None]
    if not counted:
        return None
    client = _redis_client()
    if client is None:
        for index, item, _parsed in counted:
            if not hit(item.scope, item.key, item.rate) and item.refuses:
                return index
        return None
    keys, args = [], []
    for _index, item, (limit, window) in counted:
        keys.append(cache.make_and_validate_key(_name(item.scope, item.key, window)))
        args += [limit, min(window, _MAX_TTL), 1 if item.refuses else 0]
    global _script
    if _script is None:
        _script = client.register_script(_IN_ORDER)
    stopped = int(_script(keys=keys, args=args, client=client))
    return counted[stopped - 1][0] if stopped else None


def count(scope: str, key: str, rate: str) -> int:
    """How many requests the key has made in the current window (0 when limits are off)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return 0
    _, window = parsed
    return int(cache.get(_name(scope, key, window)) or 0)


def limit_of(rate: str) -> int | None:
    parsed = parse_rate(rate)
    return None if parsed is None else parsed[0]
