"""Moderator accounts: created by the command or by a lead, each with a role and languages.

Who may create or change which account is moderation.policy's answer (a lead manages
moderators; only an admin manages leads and admins), asked here for every change. Every
change is a configuration event in the audit log, with its exact time.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.devices import totp_reset
from moderation.errors import Invalid
from moderation.models import ModeratorProfile
from moderation.policy import Action, require
from moderation.roles import ADMIN, ROLES, ensure_groups, role_held
from moderation.tokens import api_tokens_revoke
from testimony.audit import audit_record
from testimony.models import AuditAction

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
USERNAME_MAX_CHARS = 40
DAILY_CAP_MAX = 500
_USERNAME = UnicodeUsernameValidator()


@dataclass(frozen=True)
class NewModerator:
    user: object
    password: str  # shown once
    device: TOTPDevice  # waiting for enrolment: its provisioning URI is shown once

    @property
    def provisioning_uri(self) -> str:
        return self.device.config_url


def username_clean(username) -> str:
    """Letters, digits and @ . + - _ only, as Django's own accounts, and not too long."""
    username = str(username or "").strip()
    if not username or len(username) > USERNAME_MAX_CHARS:
        raise Invalid(
            _("A username has 1 to %(limit)d characters.") % {"limit": USERNAME_MAX_CHARS},
            "username",
        )
    try:
        _USERNAME(username)
    except ValidationError:
        raise Invalid(
            _("A username may contain only letters, digits and the characters @ . + - _"),
            "username",
        ) from None
    return username


def role_clean(role) -> str:
    if role not in ROLES:
        raise Invalid(_("The role is moderator, lead or admin."), "role")
    return role


def daily_cap_clean(value) -> int | None:
    """Empty: no cap. Otherwise a whole number of decisions, 0 to DAILY_CAP_MAX."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) <= 6) or int(text) > DAILY_CAP_MAX:
        raise Invalid(
            _("The daily cap is a whole number from 0 to %(limit)d, or empty for none.")
            % {"limit": DAILY_CAP_MAX},
            "daily_cap",
        )
    return int(text)


def languages_clean(languages) -> list[str]:
    if isinstance(languages, str):
        languages = [part.strip() for part in languages.split(",") if part.strip()]
    languages = list(dict.fromkeys(languages or []))
    if any(code not in LANGUAGE_CODES for code in languages):
        raise Invalid(_("Languages are kk, ru and en."), "languages")
    return languages


def profile_of(user) -> ModeratorProfile:
    profile, _ = ModeratorProfile.objects.get_or_create(user=user)
    return profile


def account_by_id(value):
    """The account a staff form names by its number, or Invalid."""
    text = str(value or "").strip()
    is_id = text.isdigit() and len(text) <= 18  # a database integer: never overflows a query
    user = get_user_model().objects.filter(pk=int(text)).first() if is_id else None
    if user is None:
        raise Invalid(_("No such account."), "user")
    return user


def _set_role(user, role: str) -> None:
    ensure_groups()
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(Group.objects.get(name=role))
    # An admin also runs the Django admin (installations, help resources, word lists).
    user.is_staff = user.is_superuser = role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def moderator_create(*, username: str, role: str, languages=(), actor=None) -> NewModerator:
    """A new account. `actor` None is the operator at the command line."""
    role = role_clean(role)
    if actor is not None:
        require(actor, Action.CREATE_ACCOUNT, role=role)
    username = username_clean(username)
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise Invalid(_("This username is taken."), "username")
    languages = languages_clean(languages)
    password = secrets.token_urlsafe(15)
    user = users.objects.create_user(username=username, password=password)
    _set_role(user, role)
    ModeratorProfile.objects.create(user=user, languages=languages)
    device = totp_reset(user=user)
    audit_record(action=AuditAction.MODERATOR_CREATED, actor=actor, subject=username, reason=role)
    return NewModerator(user=user, password=password, device=device)


@transaction.atomic
def moderator_update(
    *, user, actor, role: str | None = None, languages=None, daily_cap=..., active=None
) -> None:
    """A lead changes an account: role, languages, daily cap, or whether it may log in.

    Deactivating ends the account's sessions and API tokens (moderation.tokens).
    """
    role = None if role is None or role == role_held(user) else role_clean(role)
    require(actor, Action.CHANGE_ACCOUNT, target=user, role=role)
    profile = profile_of(user)
    if role is not None:
        _set_role(user, role)
        audit_record(
            action=AuditAction.ROLE_CHANGED, actor=actor, subject=user.get_username(), reason=role
        )
    if languages is not None:
        clean = languages_clean(languages)
        _profile_set(
            profile, "languages", clean, AuditAction.LANGUAGES_CHANGED, actor, ",".join(clean)
        )
    if daily_cap is not ...:
        cap = daily_cap_clean(daily_cap)
        _profile_set(
            profile,
            "daily_cap",
            cap,
            AuditAction.DAILY_CAP_CHANGED,
            actor,
            "" if cap is None else str(cap),
        )
    if active is not None and active != user.is_active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            action=AuditAction.ACCOUNT_ENABLED if active else AuditAction.ACCOUNT_DISABLED,
            actor=actor,
            subject=user.get_username(),
        )


def _profile_set(profile, field: str, value, action: AuditAction, actor, reason: str) -> None:
    """One setting of a moderator's profile changed by a lead, audited when it changed."""
    if value == getattr(profile, field):
        return
    setattr(profile, field, value)
    profile.save(update_fields=[field])
    audit_record(action=action, actor=actor, subject=profile.user.get_username(), reason=reason)


@transaction.atomic
def preferences_update(*, user, blur_text: bool, interface_language: str, languages) -> None:
    """A moderator's own settings."""
    require(user, Action.USE_WORKSPACE)
    profile = profile_of(user)
    if interface_language not in LANGUAGE_CODES:
        raise Invalid(_("Unknown language."), "interface_language")
    profile.blur_text = bool(blur_text)
    profile.interface_language = interface_language
    profile.languages = languages_clean(languages)
    profile.save()
    audit_record(action=AuditAction.PREFERENCES_CHANGED, actor=user, subject=user.get_username())


@transaction.atomic
def moderator_reset_totp(*, user, actor) -> TOTPDevice:
    """A lost phone: the account enrols a new device at its next login, and every API token
    it had is revoked (a token outlives the phone that logged in for it)."""
    require(actor, Action.CHANGE_ACCOUNT, target=user)
    device = totp_reset(user=user)
    audit_record(action=AuditAction.TOTP_RESET, actor=actor, subject=user.get_username())
    api_tokens_revoke(user=user, actor=actor)
    return device
