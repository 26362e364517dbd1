"""API tokens and sessions of staff accounts (moderation.tokens), beyond the pages and the
deactivation covered in test_views.py and test_accounts.py."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from moderation import tokens
from moderation.tokens import api_token_issue, api_tokens_revoke, sessions_end
from testimony.models import AuditEvent

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/moderation/queue/"


def api(token: str, client=None):
    return (client or Client()).get(QUEUE, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def later(monkeypatch):
    """later(hours=...): move what timezone.now() says (knox checks expiry by it)."""
    real = timezone.now

    def move(**delta):
        moved = real() + datetime.timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: moved)

    return move


# --- Issue ------------------------------------------------------------------------------------


def test_an_issued_token_opens_the_api(moderator):
    assert api(api_token_issue(user=moderator, via="workspace").token).status_code == 200


def test_only_a_hash_of_the_token_is_stored(moderator, all_rows):
    issued = api_token_issue(user=moderator, via="workspace")
    assert issued.token not in all_rows()
    stored = AuthToken.objects.get(user=moderator)
    assert stored.digest != issued.token and issued.token not in stored.digest


def test_a_token_expires_after_the_configured_time(moderator, settings):
    before = timezone.now()
    issued = api_token_issue(user=moderator, via="workspace")
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert before + ttl <= issued.expiry <= timezone.now() + ttl


def test_a_token_works_until_it_expires(moderator, later, settings):
    issued = api_token_issue(user=moderator, via="workspace")
    later(seconds=settings.REST_KNOX["TOKEN_TTL"].total_seconds() - 60)
    assert api(issued.token).status_code == 200


def test_an_expired_token_opens_nothing(moderator, later, settings):
    issued = api_token_issue(user=moderator, via="workspace")
    later(seconds=settings.REST_KNOX["TOKEN_TTL"].total_seconds() + 60)
    assert api(issued.token).status_code == 401


def test_each_issue_is_a_new_token(moderator):
    first = api_token_issue(user=moderator, via="workspace")
    second = api_token_issue(user=moderator, via="command")
    assert first.token != second.token
    assert api(first.token).status_code == api(second.token).status_code == 200


def test_issuing_is_audited_with_its_time_and_where_it_was_issued(moderator):
    before = timezone.now()
    api_token_issue(user=moderator, via="command")
    event = AuditEvent.objects.get(action="token_issued")
    assert event.actor == moderator and event.subject == moderator.username
    assert event.reason == "command" and before <= event.at <= timezone.now()
    assert event.story_id is None


def test_the_audit_never_holds_the_token(moderator):
    issued = api_token_issue(user=moderator, via="workspace")
    event = AuditEvent.objects.get(action="token_issued")
    assert issued.token[:8] not in event.subject + event.reason


def audit_unavailable(monkeypatch) -> None:
    def fails(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(tokens, "audit_record", fails)


def test_no_token_is_issued_when_its_audit_event_cannot_be_written(moderator, monkeypatch):
    audit_unavailable(monkeypatch)
    with pytest.raises(RuntimeError):
        api_token_issue(user=moderator, via="workspace")
    assert not AuthToken.objects.filter(user=moderator).exists()


def test_no_token_is_revoked_when_its_audit_event_cannot_be_written(moderator, monkeypatch):
    token = api_token_issue(user=moderator, via="workspace").token
    audit_unavailable(monkeypatch)
    with pytest.raises(RuntimeError):
        api_tokens_revoke(user=moderator)
    assert api(token).status_code == 200


# --- Revoke -----------------------------------------------------------------------------------


def test_revoking_ends_every_token_of_the_account(moderator):
    tokens = [api_token_issue(user=moderator, via="workspace").token for _ in range(3)]
    assert api_tokens_revoke(user=moderator) == 3
    assert [api(token).status_code for token in tokens] == [401] * 3


def test_revoking_leaves_other_accounts_tokens(moderator, lead):
    theirs = api_token_issue(user=lead, via="workspace").token
    api_token_issue(user=moderator, via="workspace")
    api_tokens_revoke(user=moderator)
    assert api(theirs).status_code == 200


def test_revoking_is_audited_with_who_revoked(moderator, lead):
    api_token_issue(user=moderator, via="workspace")
    api_tokens_revoke(user=moderator, actor=lead)
    event = AuditEvent.objects.get(action="tokens_revoked")
    assert event.actor == lead and event.subject == moderator.username and event.at


def test_revoking_her_own_tokens_names_her_as_who_revoked(moderator):
    api_tokens_revoke(user=moderator)
    event = AuditEvent.objects.get(action="tokens_revoked")
    assert event.actor == moderator and event.subject == moderator.username


def test_revoking_with_no_tokens_is_still_audited_and_counts_none(moderator):
    assert api_tokens_revoke(user=moderator) == 0
    assert AuditEvent.objects.filter(action="tokens_revoked").count() == 1


# --- Sessions ---------------------------------------------------------------------------------


def test_ending_sessions_logs_the_account_out_everywhere(verified_client, moderator):
    phone, laptop = verified_client(moderator, Client()), verified_client(moderator, Client())
    assert sessions_end(user=moderator) == 2
    for client in (phone, laptop):
        assert client.get("/moderate/")["Location"].startswith("/moderate/login/")


def test_ending_sessions_ends_only_that_accounts_sessions(verified_client, moderator, lead):
    verified_client(moderator, Client())
    theirs = verified_client(lead, Client())
    assert sessions_end(user=moderator) == 1
    assert theirs.get("/moderate/").status_code == 200


def test_ending_sessions_leaves_the_accounts_tokens(verified_client, moderator):
    """Sessions and tokens end together only on deactivation (test_accounts.py)."""
    token = api_token_issue(user=moderator, via="workspace").token
    verified_client(moderator, Client())
    sessions_end(user=moderator)
    assert api(token).status_code == 200


# --- Deactivation, in the same transaction as the change --------------------------------------


def test_a_deactivation_rolled_back_keeps_the_tokens_and_sessions(verified_client, moderator):
    token = api_token_issue(user=moderator, via="workspace").token
    workspace = verified_client(moderator, Client())

    class ChangeFailed(Exception):
        pass

    with pytest.raises(ChangeFailed), transaction.atomic():
        account = get_user_model().objects.get(pk=moderator.pk)
        account.is_active = False
        account.save()
        raise ChangeFailed

    assert api(token).status_code == 200
    assert workspace.get("/moderate/").status_code == 200


def test_saving_an_active_account_ends_nothing(verified_client, moderator):
    token = api_token_issue(user=moderator, via="workspace").token
    workspace = verified_client(moderator, Client())
    moderator.first_name = "Mira"
    moderator.save()
    assert api(token).status_code == 200
    assert workspace.get("/moderate/").status_code == 200
