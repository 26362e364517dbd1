"""The workspace pages: the TOTP login, lockouts that never touch survivors, roles, decisions."""

import re

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP

from moderation.accounts import moderator_create
from moderation.devices import totp_device
from testimony.models import AuditEvent, Status, Story
from tests.moderation.factories import screened

pytestmark = pytest.mark.django_db


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_every_page_needs_a_login(client):
    for path in ("/moderate/", "/moderate/metrics/", "/moderate/tokens/", "/moderate/team/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/moderate/login/")


def test_first_login_enrols_a_totp_device_with_a_qr_code(client):
    made = moderator_create(username="dana", role="moderator", languages=["ru"])
    response = client.post("/moderate/login/", {"username": "dana", "password": made.password})
    assert response["Location"].startswith("/moderate/enrol/")
    # A password alone opens nothing but enrolment.
    assert client.get("/moderate/")["Location"] == "/moderate/enrol/"
    page = client.get("/moderate/enrol/").content.decode()
    assert 'src="data:image/svg+xml' in page
    device = totp_device(made.user)
    response = client.post("/moderate/enrol/", {"code": code_for(device)})
    assert response["Location"] == "/moderate/"
    assert client.get("/moderate/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="totp_enrolled", actor=made.user).exists()


def _login(client, user, *, password="the-right-password-1", code=None, **extra):
    return client.post(
        "/moderate/login/",
        {
            "username": user.username,
            "password": password,
            "code": code_for(totp_device(user)) if code is None else code,
        },
        **extra,
    )


@pytest.fixture
def known(moderator):
    moderator.set_password("the-right-password-1")
    moderator.save()
    return moderator


def wrong_code(user) -> str:
    return f"{(int(code_for(totp_device(user))) + 1) % 1_000_000:06d}"


def test_a_confirmed_device_asks_for_the_code_with_the_password(client, known):
    response = _login(client, known)
    assert response["Location"] == "/moderate/"
    assert client.get("/moderate/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=known).exists()
    assert AuditEvent.objects.filter(action="otp_verified", actor=known).exists()


@pytest.mark.parametrize(
    "password, code",
    [
        ("wrong-password", "right"),  # wrong password, right code
        ("the-right-password-1", "wrong"),  # right password, wrong code
        ("the-right-password-1", ""),  # right password, no code
        ("wrong-password", ""),
    ],
)
def test_every_failed_login_gets_the_same_answer_and_opens_nothing(client, known, password, code):
    """The page never confirms a password on its own: the answer is the same for any failure."""
    chosen = {"right": None, "wrong": wrong_code(known), "": ""}[code]
    response = _login(client, known, password=password, code=chosen)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The username, password or code is not right." in page
    assert "_auth_user_id" not in client.session
    assert client.get("/moderate/")["Location"].startswith("/moderate/login/")


def test_a_wrong_code_is_logged(client, known):
    _login(client, known, code=wrong_code(known))
    assert AuditEvent.objects.filter(action="otp_failed", actor=known).exclude(at=None).exists()


def test_wrong_codes_count_toward_the_lockout_like_wrong_passwords(client, known, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, known, code=wrong_code(known), REMOTE_ADDR="192.0.2.8")
    locked = _login(client, known, REMOTE_ADDR="192.0.2.8")
    assert locked.status_code == 403 and "_auth_user_id" not in client.session
    assert "Too many failed attempts" in locked.content.decode()


def test_failing_codes_from_elsewhere_never_lock_the_moderator_out(client, known, settings):
    """Someone who has her password fails codes from his address: she still logs in from hers
    (django-otp's per-device throttle would have refused her right code)."""
    for _ in range(settings.AXES_FAILURE_LIMIT * 2):
        _login(client, known, code=wrong_code(known), REMOTE_ADDR="198.51.100.66")
    response = _login(client, known, REMOTE_ADDR="192.0.2.20")
    assert response["Location"] == "/moderate/"


def test_the_admin_logs_in_through_the_workspace_and_never_confirms_a_password(client, db):
    made = moderator_create(username="ada", role="admin", languages=["en"])
    made.device.confirmed = True
    made.device.save()
    chain = client.get("/admin/", follow=True).redirect_chain
    assert chain[-1][0] == "/moderate/login/?next=/admin/"
    # The password right, no code: the same answer as any failure.
    response = client.post(
        "/moderate/login/", {"username": "ada", "password": made.password, "next": "/admin/"}
    )
    assert response.status_code == 400
    assert "OTP" not in response.content.decode()
    response = client.post(
        "/moderate/login/",
        {
            "username": "ada",
            "password": made.password,
            "code": code_for(made.device),
            "next": "/admin/",
        },
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_failed_logins_lock_the_account_out_from_that_address(client, moderator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/moderate/login/", {"username": "mira", "password": "wrong"}, REMOTE_ADDR="192.0.2.7"
        )
    # Even the right password is refused now.
    moderator.set_password("the-right-password-1")
    moderator.save()
    locked = client.post(
        "/moderate/login/",
        {"username": "mira", "password": "the-right-password-1"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert locked.status_code == 403 and "_auth_user_id" not in client.session
    assert "Too many failed attempts" in locked.content.decode()


def test_lockouts_never_see_a_survivor(client, all_rows, captured_logs):
    client.get("/en/tell/", REMOTE_ADDR="203.0.113.99", HTTP_USER_AGENT="marker-ua")
    client.post(
        "/api/v1/receipts/status/",
        {"receipt": "X"},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.99",
    )
    assert "203.0.113.99" not in all_rows() + captured_logs()
    assert not [k for k in cache_keys() if "203.0.113.99" in k]


def cache_keys() -> list[str]:
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):
        return [str(k) for k in store]
    return [k.decode() for k in cache._cache.get_client().keys("*")]


def test_workspace_pages_carry_no_inline_script_or_style(verified_client, moderator):
    client = verified_client(moderator)
    story = screened()
    for path in (
        "/moderate/",
        f"/moderate/stories/{story.id}/",
        "/moderate/preferences/",
        "/moderate/tokens/",
    ):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert "script-src 'self'" in response["Content-Security-Policy"]
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"<[^>]+\son[a-z]+=", html)  # no inline event handlers


def test_roles_decide_what_a_page_shows(verified_client, moderator, lead):
    client = verified_client(moderator)
    assert client.get("/moderate/metrics/").status_code == 403
    assert client.get("/moderate/team/").status_code == 403
    assert client.get("/moderate/published/").status_code == 403
    client = verified_client(lead)
    for path in (
        "/moderate/metrics/",
        "/moderate/team/",
        "/moderate/published/",
        "/moderate/clusters/",
    ):
        assert client.get(path).status_code == 200, path


def test_opening_a_story_claims_it_and_another_sees_it_claimed(
    client, verified_client, moderator, other_moderator
):
    from django.test import Client

    story = screened()
    mine = verified_client(moderator)
    assert mine.get(f"/moderate/stories/{story.id}/").status_code == 200
    theirs = verified_client(other_moderator, Client())
    assert "claimed by another moderator" in theirs.get("/moderate/").content.decode()
    assert theirs.get(f"/moderate/stories/{story.id}/").status_code == 409


def test_a_decision_through_the_form_schedules_and_opens_the_next(verified_client, moderator):
    client = verified_client(moderator)
    first, second = screened(), screened()
    client.get(f"/moderate/stories/{first.id}/")
    response = client.post(
        f"/moderate/stories/{first.id}/decide/",
        {
            "action": "approve",
            "version": first.version,
            "redactions": '[{"start": 0, "end": 2, "placeholder": "[name]"}]',
            "labels": ["physical-violence"],
        },
    )
    first.refresh_from_db()
    assert first.status == Status.APPROVED and first.publish_at is not None
    assert first.published_text.startswith("[name] shouted")
    assert response["Location"].startswith(f"/moderate/stories/{second.id}/")


@pytest.mark.parametrize(
    ("consent", "said", "never"),
    [
        ("wall", "It will appear on the wall after a random delay.", "never shown"),
        ("private", "It is private: it is counted, never shown.", "appear on the wall"),
    ],
)
def test_the_moderator_is_told_what_an_approval_does_for_the_stories_consent(
    verified_client, moderator, consent, said, never
):
    client = verified_client(moderator)
    story = screened(consent=consent)
    client.get(f"/moderate/stories/{story.id}/")
    client.post(
        f"/moderate/stories/{story.id}/decide/",
        {"action": "approve", "version": story.version, "redactions": "[]"},
    )
    shown = client.get("/moderate/").content.decode()
    assert said in shown and never not in shown


def test_a_stale_form_answers_409_and_changes_nothing(verified_client, moderator):
    client = verified_client(moderator)
    story = screened()
    client.get(f"/moderate/stories/{story.id}/")
    response = client.post(
        f"/moderate/stories/{story.id}/decide/",
        {"action": "reject", "version": story.version - 1, "reason": "spam"},
    )
    assert response.status_code == 409
    assert Story.objects.get(id=story.id).status == Status.PENDING


def test_a_break_is_suggested_after_a_number_of_stories(verified_client, moderator, settings):
    settings.BREAK_AFTER_STORIES = 2
    client = verified_client(moderator)
    for _ in range(2):
        story = screened()
        client.get(f"/moderate/stories/{story.id}/")
        client.post(
            f"/moderate/stories/{story.id}/decide/",
            {"action": "reject", "version": story.version, "reason": "spam"},
        )
    assert 'id="break-suggestion"' in client.get("/moderate/").content.decode()
    client.post("/moderate/break/")
    assert 'id="break-suggestion"' not in client.get("/moderate/").content.decode()


def test_urgent_stories_always_open_blurred(verified_client, moderator):
    from moderation.accounts import preferences_update

    preferences_update(user=moderator, blur_text=False, interface_language="en", languages=["en"])
    client = verified_client(moderator)
    calm, urgent = screened(), screened(urgent=True)
    assert (
        'class="review blurred"' not in client.get(f"/moderate/stories/{calm.id}/").content.decode()
    )
    services_release(calm, moderator)
    assert (
        'class="review blurred"' in client.get(f"/moderate/stories/{urgent.id}/").content.decode()
    )


def services_release(story, user):
    from moderation.claims import claim_release

    claim_release(story_id=story.id, user=user)


def test_the_workspace_speaks_the_moderators_language(verified_client, moderator):
    from moderation.accounts import preferences_update

    preferences_update(user=moderator, blur_text=True, interface_language="ru", languages=["ru"])
    html = verified_client(moderator).get("/moderate/").content.decode()
    assert '<html lang="ru">' in html


def test_tokens_are_issued_only_in_a_verified_session(client, verified_client, moderator):
    client.force_login(moderator)  # password only, no TOTP code
    assert client.post("/moderate/tokens/", {"do": "issue"}).status_code == 302
    verified = verified_client(moderator)
    html = verified.post("/moderate/tokens/", {"do": "issue"}).content.decode()
    token = re.search(r'id="new-token">([0-9a-f]+)<', html).group(1)
    api = verified.get("/api/v1/moderation/queue/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 200


def test_a_lead_creates_an_account_and_sets_a_daily_cap(verified_client, lead):
    from django.contrib.auth import get_user_model

    client = verified_client(lead)
    html = client.post(
        "/moderate/team/",
        {"do": "create", "username": "zhanna", "role": "moderator", "languages": ["kk"]},
    ).content.decode()
    assert 'id="new-password"' in html
    zhanna = get_user_model().objects.get(username="zhanna")
    client.post(
        "/moderate/team/",
        {
            "do": "update",
            "user": zhanna.pk,
            "role": "moderator",
            "languages": ["kk", "ru"],
            "daily_cap": "30",
            "active": "on",
        },
    )
    zhanna.moderator_profile.refresh_from_db()
    assert zhanna.moderator_profile.daily_cap == 30 and zhanna.moderator_profile.languages == [
        "kk",
        "ru",
    ]
    assert (
        AuditEvent.objects.filter(action="daily_cap_changed", subject="zhanna")
        .exclude(at=None)
        .exists()
    )


def test_the_queue_counts_are_served_to_the_page(verified_client, moderator):
    client = verified_client(moderator)
    screened(), screened(), screened(held=True)
    html = client.get("/moderate/").content.decode()
    assert 'data-counts-url="/moderate/counts/?' in html
    counts = client.get("/moderate/counts/").json()
    assert (counts["pending"], counts["held"], counts["urgent"]) == (2, 1, 0)


def test_a_staff_session_ends_after_inactivity(verified_client, moderator, settings):
    client = verified_client(moderator)
    client.get("/moderate/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_SAVE_EVERY_REQUEST  # the age counts from the last request


def test_changes_in_the_django_admin_are_audited_with_their_time(client, make_user):
    from django_otp import DEVICE_ID_SESSION_KEY

    admin = make_user("admin", "aigul")
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = admin.totpdevice_set.get().persistent_id
    session.save()
    response = client.post("/admin/auth/group/add/", {"name": "volunteers"})
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.get(action="admin_added")
    assert event.actor == admin and event.subject == "auth.group" and event.at
    # The log itself cannot be edited there either.
    assert client.get(f"/admin/testimony/auditevent/{event.pk}/delete/").status_code == 403


def test_staff_pages_are_never_kept_by_the_browser_cache(client, verified_client, moderator):
    made = moderator_create(username="ainur", role="moderator")
    client.post("/moderate/login/", {"username": "ainur", "password": made.password})
    assert "no-store" in client.get("/moderate/enrol/")["Cache-Control"]  # the TOTP secret
    story = screened()
    page = verified_client(moderator).get(f"/moderate/stories/{story.id}/")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_a_lead_cannot_change_an_admins_account(verified_client, lead, make_user):
    admin = make_user("admin", "asel")
    client = verified_client(lead)
    client.post(
        "/moderate/team/", {"do": "update", "user": admin.pk, "role": "moderator", "active": ""}
    )
    admin.refresh_from_db()
    assert admin.is_superuser and admin.is_active


def test_every_wall_is_chosen_by_default_when_approving(verified_client, moderator):
    from testimony.models import Installation

    for slug in ("station", "library"):
        Installation.objects.create(name=slug.title(), slug=slug)
    story = screened()
    page = verified_client(moderator).get(f"/moderate/stories/{story.id}/").content.decode()
    boxes = re.findall(r'<input type="checkbox" name="installations"[^>]*>', page)
    assert len(boxes) == 2 and all("checked" in box for box in boxes)


@pytest.mark.parametrize("urgent", [True, False])
def test_a_story_without_danger_found_is_not_shown_as_safe(verified_client, moderator, urgent):
    """Blind sets show the danger screener misses much: "not urgent" must not read as "safe"."""
    story = screened(urgent=urgent)
    page = verified_client(moderator).get(f"/moderate/stories/{story.id}/").content.decode()
    assert ('id="no-danger-found"' in page) is not urgent
    assert ("urgent: danger found" in page) is urgent
