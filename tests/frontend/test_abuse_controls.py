"""Proof of work, the no-JavaScript time lock and the intake rate limits."""

import base64
import json
import re
import time

import pytest

from testimony import formtoken, proofofwork
from testimony.models import Story
from tests.frontend.conftest import form_token

pytestmark = pytest.mark.django_db

TEXT = "He took my passport and my phone. I left anyway, and I am alive today."
STORIES = "/api/v1/stories/"


def api_send(api, payload=None, **extra):
    body = {"text": TEXT, "consent": "wall"}
    if payload is not None:
        body["altcha"] = payload
    return api(STORIES, body, **extra)


def form_send(client, *, lang="en", token=None, **fields):
    data = {"text": TEXT, "consent": "wall", "region": ""} | fields
    data["token"] = token or form_token(client, lang)
    return client.post(f"/{lang}/tell/", data)


def tampered(payload: str) -> str:
    decoded = json.loads(base64.b64decode(payload))
    key = decoded["solution"]["derivedKey"]
    decoded["solution"]["derivedKey"] = ("0" if key[0] != "0" else "1") + key[1:]
    return base64.b64encode(json.dumps(decoded).encode()).decode()


# --- Proof of work on the API -----------------------------------------------------------------


def test_a_correct_solution_passes(api, pow_on, solved):
    response = api_send(api, solved())
    assert response.status_code == 201, response.content
    assert Story.objects.get().no_proof_of_work is False


@pytest.mark.parametrize("payload", [None, "", "   "])
def test_a_missing_solution_is_refused_with_a_clear_message(api, pow_on, payload):
    response = api_send(api, payload)
    assert response.status_code == 400
    assert "quick automatic check" in response.json()["altcha"][0]
    assert Story.objects.count() == 0


@pytest.mark.parametrize(
    "garbage", ["not base64 at all!", base64.b64encode(b"{}").decode(), "x" * 5000]
)
def test_a_malformed_solution_is_refused(api, pow_on, garbage):
    response = api_send(api, garbage)
    assert response.status_code == 400
    assert "did not work" in response.json()["altcha"][0]
    assert Story.objects.count() == 0


def test_a_wrong_solution_is_refused(api, pow_on, solved):
    response = api_send(api, tampered(solved()))
    assert response.status_code == 400
    assert "did not work" in response.json()["altcha"][0]
    assert Story.objects.count() == 0


def test_a_forged_challenge_is_refused(api, pow_on):
    import altcha

    forged = altcha.create_challenge("SHA-256", 1, counter=3, hmac_secret="not-our-secret")
    response = api_send(api, proofofwork.solve(forged.to_dict()))
    assert response.status_code == 400
    assert Story.objects.count() == 0


def test_a_solution_is_accepted_once(api, pow_on, solved):
    payload = solved()
    assert api_send(api, payload).status_code == 201
    again = api_send(api, payload)
    assert again.status_code == 400
    assert "already used" in again.json()["altcha"][0]
    assert Story.objects.count() == 1


def test_an_expired_solution_is_refused(api, pow_on, solved, settings):
    settings.POW_CHALLENGE_SECONDS = -5
    response = api_send(api, solved())
    assert response.status_code == 400
    assert "ran out" in response.json()["altcha"][0]
    assert Story.objects.count() == 0


def test_refusals_speak_the_requested_language(api, pow_on):
    response = api_send(api, None, HTTP_ACCEPT_LANGUAGE="ru")
    message = response.json()["altcha"][0]
    assert re.search("[а-яё]", message) and "automatic" not in message


def test_pow_enabled_false_turns_it_off(api, settings):
    settings.POW_ENABLED = False
    assert api_send(api).status_code == 201


def test_difficulty_rises_under_flood(client, api, pow_on, solved, settings, monkeypatch):
    bounds = []
    real = proofofwork.secrets.randbelow
    monkeypatch.setattr(
        proofofwork.secrets, "randbelow", lambda bound: bounds.append(bound) or real(bound)
    )
    settings.POW_FLOOD_RATE = "2/h"
    settings.POW_FLOOD_FACTOR = 10
    calm = settings.POW_MAX_NUMBER
    for n in range(2):  # different senders: a flood, not one key over its limit
        assert api_send(api, solved(), REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 201
    assert bounds == [calm + 1, calm + 1]
    under_flood = client.get("/api/v1/challenge/", REMOTE_ADDR="192.0.2.50").json()
    assert under_flood["parameters"]["data"] == {"raised": True}
    assert bounds[-1] == calm * 10 + 1  # the secret counter hides in a range ten times wider


def test_the_challenge_carries_no_address_and_sets_no_cookie(client, pow_on):
    response = client.get("/api/v1/challenge/", REMOTE_ADDR="203.0.113.66")
    assert response.status_code == 200
    assert "203.0.113" not in response.content.decode()
    assert not response.cookies and response.headers["Cache-Control"] == "no-store"


# --- Proof of work and the time lock on the tell form -----------------------------------------


def test_the_form_with_a_correct_solution_is_told(client, pow_on, solved):
    response = form_send(client, altcha=solved())
    assert response.status_code == 200
    assert 'id="receipt-code"' in response.content.decode()
    assert Story.objects.get().no_proof_of_work is False


def test_the_form_with_a_reused_solution_keeps_her_text(client, pow_on, solved):
    payload = solved()
    assert form_send(client, altcha=payload).status_code == 200
    response = form_send(client, altcha=payload, text=TEXT + " Second.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "already used" in html and TEXT + " Second." in html
    assert Story.objects.count() == 1


def test_without_javascript_a_quick_send_is_asked_to_wait_and_keeps_her_text(
    client, pow_on, settings
):
    settings.FORM_TIME_LOCK_SECONDS = 600
    token = form_token(client)
    response = form_send(client, token=token)
    assert response.status_code == 400
    html = response.content.decode()
    assert "please wait" in html and TEXT in html
    assert re.search(r"wait (59\d|600) more seconds", html)
    # The same form token comes back, so the wait already served counts.
    assert f'value="{token}"' in html
    assert Story.objects.count() == 0


def test_without_javascript_a_story_is_told_after_the_time_lock_and_marked(
    client, pow_on, settings, monkeypatch
):
    settings.FORM_TIME_LOCK_SECONDS = 30
    served = time.time() - 31
    monkeypatch.setattr(formtoken.time, "time", lambda: served)
    token = formtoken.issue()  # served 31 seconds ago
    monkeypatch.undo()
    response = form_send(client, token=token)
    assert response.status_code == 200
    assert 'id="receipt-code"' in response.content.decode()
    assert Story.objects.get().no_proof_of_work is True


def test_no_server_process_sleeps_for_the_time_lock(client, pow_on, settings):
    settings.FORM_TIME_LOCK_SECONDS = 600
    started = time.monotonic()
    form_send(client)
    assert time.monotonic() - started < 5


# --- Rate limits --------------------------------------------------------------------------------


def test_the_per_key_limit_holds_with_a_kind_message_and_keeps_her_text(client, settings):
    settings.INTAKE_RATE_LIMIT = "3/h"
    codes = [form_send(client, text=f"{TEXT} ({n})").status_code for n in range(3)]
    assert codes == [200, 200, 200]
    refused = form_send(client, text=TEXT + " (4)")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "still here" in html and "nothing was lost" in html and TEXT + " (4)" in html
    assert Story.objects.count() == 3


def test_the_per_key_limit_on_the_api(api, settings):
    settings.INTAKE_RATE_LIMIT = "2/h"
    codes = [api_send(api).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert "nothing was lost" in api_send(api).json()["detail"]


def test_the_limit_is_per_rate_key(api, settings):
    settings.INTAKE_RATE_LIMIT = "1/h"
    assert api_send(api, REMOTE_ADDR="198.51.100.1").status_code == 201
    assert api_send(api, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert api_send(api, REMOTE_ADDR="203.0.113.200").status_code == 201


def test_the_global_ceiling_holds_for_everyone(api, settings):
    settings.INTAKE_RATE_LIMIT = "off"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "2/h"
    codes = [api_send(api, REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(1, 4)]
    assert codes == [201, 201, 429]
    assert "Very many stories" in api_send(api, REMOTE_ADDR="192.0.2.9").json()["detail"]


def test_off_turns_the_limits_off(api, settings):
    settings.INTAKE_RATE_LIMIT = "off"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "off"
    assert {api_send(api).status_code for _ in range(12)} == {201}


def test_a_shared_address_over_its_limit_can_still_tell_with_harder_work(
    client, api, pow_on, solved, settings
):
    """A busy Tor exit: the key is over its limit, yet a writer there is not locked out."""
    settings.INTAKE_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert api_send(api, solved()).status_code == 201
    # An ordinary challenge fetched before the key went over its limit is not enough now...
    easy = proofofwork.solve(proofofwork.challenge_issue(raised=False))
    assert api_send(api, easy).status_code == 429
    # ...but the challenge the key gets now is harder, and solving it lets the story in.
    challenge = client.get("/api/v1/challenge/").json()
    assert challenge["parameters"]["data"] == {"raised": True}
    assert api_send(api, proofofwork.solve(challenge)).status_code == 201
    assert Story.objects.count() == 3


def test_onion_visitors_do_not_share_one_limit(api, settings):
    """Every visitor of the onion service arrives from the local Tor daemon's one address."""
    settings.ALLOWED_HOSTS = ["untoldexample.onion", "testserver"]
    settings.INTAKE_RATE_LIMIT = "2/h"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "5/h"
    onion = {"HTTP_HOST": "untoldexample.onion", "REMOTE_ADDR": "127.0.0.1"}
    codes = [api_send(api, **onion).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]  # only the global ceiling applies


def test_the_kiosk_path_is_not_rate_limited_by_these_controls(settings):
    """Abuse controls sit in the web and API doors, not in story_submit (the kiosk reuses it)."""
    from testimony.services import story_submit

    settings.INTAKE_RATE_LIMIT = "1/h"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "1/h"
    settings.POW_ENABLED = True
    for n in range(3):
        story_submit(text=f"{TEXT} {n}", consent="wall", channel="kiosk")
    assert Story.objects.count() == 3
