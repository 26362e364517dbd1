"""A retried submission returns the first one's answer instead of telling the story twice.

The answer (the receipt) is kept only in the cache, for IDEMPOTENCY_SECONDS, encrypted under
a key derived from the idempotency key itself: the cache alone cannot reveal a receipt.
"""

import base64
import hashlib
import json
import time
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache

_PENDING = "pending"
_WAIT_SECONDS = 15.0


def _names(key: str) -> tuple[str, Fernet]:
    material = hashlib.sha256(b"untold.idempotency\0" + key.encode()).digest()
    name = "idem:" + hashlib.sha256(material).hexdigest()
    return name, Fernet(base64.urlsafe_b64encode(material))


def _read(name: str, box: Fernet) -> dict | None | str:
    stored = cache.get(name)
    if stored is None or stored == _PENDING:
        return stored
    try:
        return json.loads(box.decrypt(stored.encode()))
    except (InvalidToken, ValueError):
        return None


def once(key: str, make: Callable[[], dict]) -> dict:
    """Run make() once per key within the window; later calls get its result back.

    A second call that arrives while the first is still running (a double tap on "send")
    waits for the first one's answer rather than telling the story twice.
    """
    name, box = _names(key)
    if not cache.add(name, _PENDING, timeout=60):
        deadline = time.monotonic() + _WAIT_SECONDS
        while True:
            found = _read(name, box)
            if isinstance(found, dict):
                return found
            if found is None:  # the first attempt failed: this one may try
                if cache.add(name, _PENDING, timeout=60):
                    break
            elif time.monotonic() > deadline:
                raise TimeoutError("the first submission with this key is still running")
            time.sleep(0.05)
    try:
        result = make()
    except BaseException:
        cache.delete(name)
        raise
    token = box.encrypt(json.dumps(result).encode()).decode()
    cache.set(name, token, timeout=settings.IDEMPOTENCY_SECONDS)
    return result
