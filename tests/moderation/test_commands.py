"""manage.py moderator: accounts and tokens from the command line."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db

NAME_TEXT = "My husband Serik Akhmetov beat me in front of our children."
NAME = (11, 25)  # "Serik Akhmetov"


def test_the_command_creates_an_account_and_a_token(capsys):
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    call_command("moderator", "create", "aruzhan", "--role", "lead", "--languages", "kk,ru")
    out = capsys.readouterr().out
    assert "password: " in out and "otpauth://totp/" in out
    user = get_user_model().objects.get(username="aruzhan")
    assert user.groups.filter(name="lead").exists()
    assert user.moderator_profile.languages == ["kk", "ru"]
    call_command("moderator", "token", "aruzhan")
    token = capsys.readouterr().out.split("token: ")[1].split()[0]
    stored = AuthToken.objects.get(user=user)
    assert token not in (stored.digest, stored.token_key)  # stored hashed
    assert stored.expiry - timezone.now() > timedelta(hours=11)
