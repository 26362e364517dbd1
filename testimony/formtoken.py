"""Signed form tokens: the anonymous form's protection against forgery, and its idempotency key.

Survivor pages set no cookie, so Django's cookie-based CSRF does not fit. The form carries a
token signed with the server secret instead; it is valid for FORM_TOKEN_MAX_AGE_SECONDS (at
least two hours, long enough to write a story), and a retried submission with the same token
gets the same receipt back.

The token also carries the time the form was served: without a proof of work, a form sent
sooner than FORM_TIME_LOCK_SECONDS after that is asked to wait (no server process sleeps).
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

_SALT = "untold.formtoken"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


@dataclass(frozen=True)
class FormToken:
    value: str
    nonce: str
    issued_at: int = 0

    def seconds_until_unlocked(self) -> int:
        """How long until a story sent without proof of work may use this form (0: now)."""
        return max(0, self.issued_at + settings.FORM_TIME_LOCK_SECONDS - int(time.time()))


def issue() -> str:
    payload = {"n": secrets.token_urlsafe(16), "t": int(time.time())}
    return signing.dumps(payload, salt=_SALT, compress=False)


def verify(value: str) -> FormToken:
    try:
        data = signing.loads(value, salt=_SALT, max_age=settings.FORM_TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    return FormToken(value=value, nonce=data["n"], issued_at=int(data.get("t", 0)))
