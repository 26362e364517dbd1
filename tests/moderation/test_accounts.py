"""Accounts: usernames, daily caps, and deactivation that ends every session and token."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from moderation import accounts
from moderation.errors import Invalid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "username",
    [
        "<b>mira</b>",
        "a" * 41,
        "a" * 500,
        "mira olga",
        "mira\x00",
        "",
        "   ",
        '"><script>alert(1)</script>',
        "mira/../admin",
    ],
)
def test_a_username_outside_djangos_rules_is_refused(username, lead):
    with pytest.raises(Invalid) as error:
        accounts.moderator_create(username=username, role="moderator", actor=lead)
    assert error.value.code == "username"
    assert not get_user_model().objects.exclude(username__in=["lena"]).exists()


@pytest.mark.parametrize("username", ["mira", "Айгерим", "dana.k", "a_b-c+d@e", "a" * 40])
def test_usernames_like_djangos_own_are_accepted(username, lead):
    made = accounts.moderator_create(username=username, role="moderator", actor=lead)
    assert made.user.username == username


def test_the_command_refuses_a_bad_username(db):
    with pytest.raises(CommandError):
        call_command("moderator", "create", "<b>x</b>", "--role", "moderator")


def test_the_team_page_refuses_a_markup_username_with_a_message(verified_client, lead):
    workspace = verified_client(lead)
    response = workspace.post(
        "/moderate/team/",
        {"do": "create", "username": "<img src=x>", "role": "moderator"},
        follow=True,
    )
    assert response.status_code == 200
    assert "A username may contain only letters" in response.content.decode()
    assert not get_user_model().objects.filter(username__contains="<").exists()


@pytest.mark.parametrize("cap", ["-1", "abc", "9" * 30, "501", "1.5"])
def test_a_daily_cap_outside_the_range_is_refused(lead, moderator, cap):
    with pytest.raises(Invalid):
        accounts.moderator_update(user=moderator, actor=lead, daily_cap=cap)
    assert accounts.profile_of(moderator).daily_cap is None


@pytest.mark.parametrize("cap, stored", [("", None), ("0", 0), ("12", 12), ("500", 500)])
def test_a_daily_cap_in_range_is_kept(lead, moderator, cap, stored):
    accounts.moderator_update(user=moderator, actor=lead, daily_cap=cap)
    assert accounts.profile_of(moderator).daily_cap == stored


def _api(client, token):
    return client.get("/api/v1/moderation/queue/", HTTP_AUTHORIZATION=f"Token {token}")


def test_deactivation_ends_the_session_and_tokens_for_good(
    client, verified_client, lead, moderator
):
    from django.test import Client

    token = AuthToken.objects.create(user=moderator)[1]
    workspace = verified_client(moderator, Client())
    assert workspace.get("/moderate/").status_code == 200
    assert _api(client, token).status_code == 200

    accounts.moderator_update(user=moderator, actor=lead, active=False)
    accounts.moderator_update(user=moderator, actor=lead, active=True)

    # Reactivated, she logs in again: the old session and the old token stay dead.
    assert workspace.get("/moderate/")["Location"].startswith("/moderate/login/")
    assert _api(client, token).status_code == 401
    assert not AuthToken.objects.filter(user=moderator).exists()


def test_deactivation_in_the_django_admin_ends_them_too(client, lead, moderator):
    token = AuthToken.objects.create(user=moderator)[1]
    moderator.is_active = False
    moderator.save()  # as the Django admin's change form does
    moderator.is_active = True
    moderator.save()
    assert _api(client, token).status_code == 401


def test_resetting_the_code_device_revokes_the_tokens(lead, moderator):
    AuthToken.objects.create(user=moderator)
    old = moderator.totpdevice_set.get()
    device = accounts.moderator_reset_totp(user=moderator, actor=lead)
    assert device.pk != old.pk and not device.confirmed
    assert not AuthToken.objects.filter(user=moderator).exists()
