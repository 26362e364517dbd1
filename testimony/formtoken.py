"""Signed form tokens: the anonymous form's protection against forgery, and its idempotency key.

Survivor pages set no cookie, so Django's cookie-based CSRF does not fit. The form carries a
token signed with the server secret instead; it is valid for FORM_TOKEN_MAX_AGE_SECONDS (at
least two hours, long enough to write a story), and a retried submission with the same token
gets the same receipt back.
"""

import secrets
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


def issue() -> str:
    return signing.dumps({"n": secrets.token_urlsafe(16)}, salt=_SALT, compress=False)


def verify(value: str) -> FormToken:
    try:
        data = signing.loads(value, salt=_SALT, max_age=settings.FORM_TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    return FormToken(value=value, nonce=data["n"])
