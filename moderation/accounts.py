"""Moderator accounts: created by the command or by a lead, each with a role and languages.

Every change here is a configuration event in the audit log, with its exact time.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.access import audit_event, totp_reset
from moderation.models import ModeratorProfile
from moderation.roles import ADMIN, ROLES, ensure_groups
from moderation.services import Invalid

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class NewModerator:
    user: object
    password: str  # shown once
    device: TOTPDevice  # waiting for enrolment: its provisioning URI is shown once

    @property
    def provisioning_uri(self) -> str:
        return self.device.config_url


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


def _set_role(user, role: str) -> None:
    ensure_groups()
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(Group.objects.get(name=role))
    # An admin also runs the Django admin (installations, help resources, word lists).
    user.is_staff = user.is_superuser = role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def moderator_create(*, username: str, role: str, languages=(), actor=None) -> NewModerator:
    if role not in ROLES:
        raise Invalid(_("The role is moderator, lead or admin."), "role")
    username = username.strip()
    users = get_user_model()
    if not username or users.objects.filter(username__iexact=username).exists():
        raise Invalid(_("This username is empty or taken."), "username")
    password = secrets.token_urlsafe(15)
    user = users.objects.create_user(username=username, password=password)
    _set_role(user, role)
    ModeratorProfile.objects.create(user=user, languages=languages_clean(languages))
    device = totp_reset(user=user)
    audit_event(action="moderator_created", actor=actor, subject=username, reason=role)
    return NewModerator(user=user, password=password, device=device)


@transaction.atomic
def moderator_update(
    *, user, actor, role: str | None = None, languages=None, daily_cap=..., active=None
) -> None:
    """A lead changes an account: role, languages, daily cap, or whether it may log in."""
    if user.is_superuser and not actor.is_superuser:
        raise Invalid(_("Only an admin can change an admin's account."), "role")
    profile = profile_of(user)
    if role is not None and role != _current_role(user):
        if role not in ROLES:
            raise Invalid(_("The role is moderator, lead or admin."), "role")
        if role == ADMIN and not actor.is_superuser:
            raise Invalid(_("Only an admin can make an admin."), "role")
        _set_role(user, role)
        audit_event(action="role_changed", actor=actor, subject=user.get_username(), reason=role)
    if languages is not None:
        clean = languages_clean(languages)
        if clean != profile.languages:
            profile.languages = clean
            profile.save(update_fields=["languages"])
            audit_event(
                action="languages_changed",
                actor=actor,
                subject=user.get_username(),
                reason=",".join(clean),
            )
    if daily_cap is not ...:
        if daily_cap != profile.daily_cap:
            profile.daily_cap = daily_cap
            profile.save(update_fields=["daily_cap"])
            audit_event(
                action="daily_cap_changed",
                actor=actor,
                subject=user.get_username(),
                reason="" if daily_cap is None else str(daily_cap),
            )
    if active is not None and active != user.is_active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_event(
            action="account_enabled" if active else "account_disabled",
            actor=actor,
            subject=user.get_username(),
        )


def _current_role(user) -> str:
    from moderation.roles import role_of

    return role_of(user)


@transaction.atomic
def preferences_update(*, user, blur_text: bool, interface_language: str, languages) -> None:
    """A moderator's own settings."""
    profile = profile_of(user)
    if interface_language not in LANGUAGE_CODES:
        raise Invalid(_("Unknown language."), "interface_language")
    profile.blur_text = bool(blur_text)
    profile.interface_language = interface_language
    profile.languages = languages_clean(languages)
    profile.save()
    audit_event(action="preferences_changed", actor=user, subject=user.get_username())


@transaction.atomic
def moderator_reset_totp(*, user, actor) -> TOTPDevice:
    device = totp_reset(user=user)
    audit_event(action="totp_reset", actor=actor, subject=user.get_username())
    return device
