"""API tokens and sessions of staff accounts: issued, revoked, and ended with the account.

Tokens (django-rest-knox) are stored hashed and expire by themselves. Deactivating an account,
however it is done (the team page, the Django admin, a command), ends every session and token
it had, so reactivating it later revives neither.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from testimony.audit import audit_record
from testimony.models import AuditAction


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expiry: object


def api_token_issue(*, user, via: str) -> IssuedToken:
    """A new API token for the account: only its hash is stored; it expires by itself."""
    ttl: timedelta = settings.REST_KNOX["TOKEN_TTL"]
    with transaction.atomic():
        instance, token = AuthToken.objects.create(user=user, expiry=ttl)
        audit_record(
            action=AuditAction.TOKEN_ISSUED, actor=user, subject=user.get_username(), reason=via
        )
    return IssuedToken(token=token, expiry=instance.expiry)


def api_tokens_revoke(*, user, actor=None) -> int:
    with transaction.atomic():
        count, _ = AuthToken.objects.filter(user=user).delete()
        audit_record(
            action=AuditAction.TOKENS_REVOKED, actor=actor or user, subject=user.get_username()
        )
    return count


def sessions_end(*, user) -> int:
    """Log the account out everywhere. Only staff have sessions: survivors never get one."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def deactivated(sender, instance, **kwargs) -> None:
    """post_save of an account: once inactive, it keeps no session and no token. In the same
    transaction, so should the change roll back, so does the revocation."""
    if instance.pk is None or instance.is_active:
        return
    sessions_end(user=instance)
    AuthToken.objects.filter(user=instance).delete()
