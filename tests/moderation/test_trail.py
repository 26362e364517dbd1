"""The staff trail in the audit log (moderation.trail): logins, logouts, failed logins and
changes in the Django admin carry their exact time and name no story; survivors never appear."""

import datetime

import pytest
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django_otp.oath import TOTP

from moderation.devices import totp_device
from testimony.models import AuditEvent, Installation
from testimony.wall.installations import installation_save

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-1"


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def known(moderator):
    moderator.set_password(PASSWORD)
    moderator.save()
    return moderator


def log_in(client, user, *, password=PASSWORD, **extra):
    return client.post(
        "/moderate/login/",
        {"username": user.username, "password": password, "code": code_for(totp_device(user))},
        **extra,
    )


def only(action: str) -> AuditEvent:
    [event] = AuditEvent.objects.filter(action=action)
    return event


class Window:
    """The time around an action, to check the event carries that exact time."""

    def __enter__(self):
        self.start = timezone.now()
        return self

    def __exit__(self, *exc):
        self.end = timezone.now()

    def holds(self, moment: datetime.datetime) -> bool:
        return self.start <= moment <= self.end


def test_a_login_is_recorded_with_its_exact_time_and_no_story(client, known):
    with Window() as window:
        assert log_in(client, known)["Location"] == "/moderate/"
    event = only("login")
    assert event.actor == known and event.subject == known.username
    assert window.holds(event.at)
    assert event.story_id is None and event.day is None


def test_a_logout_is_recorded_with_its_exact_time_and_no_story(client, known):
    log_in(client, known)
    with Window() as window:
        client.post("/moderate/logout/")
    event = only("logout")
    assert event.actor == known and window.holds(event.at)
    assert event.story_id is None and event.day is None


def test_a_logout_without_a_login_records_nothing(client, db):
    client.post("/moderate/logout/")
    assert not AuditEvent.objects.filter(action="login_failed").exists()


def test_a_failed_login_names_the_account_tried_with_its_exact_time(client, known):
    with Window() as window:
        log_in(client, known, password="wrong")
    event = only("login_failed")
    assert event.actor == known and event.subject == known.username
    assert window.holds(event.at) and event.story_id is None and event.day is None


def test_a_failed_login_of_an_unknown_name_names_no_account(client, db):
    client.post("/moderate/login/", {"username": "nobody-here", "password": "x", "code": "1"})
    event = only("login_failed")
    assert event.actor is None and event.subject == "nobody-here"


def test_a_failed_login_keeps_no_address(client, known, all_rows):
    log_in(client, known, password="wrong", REMOTE_ADDR="192.0.2.44")
    assert AuditEvent.objects.filter(action="login_failed").exists()
    assert "192.0.2.44" not in all_rows()


@pytest.mark.parametrize("path", ["/en/tell/", "/api/v1/stories/", "/kk/receipt/", "/"])
def test_a_failed_login_on_a_survivor_path_is_never_recorded(rf, known, path):
    user_login_failed.send(
        sender=__name__, credentials={"username": known.username}, request=rf.post(path)
    )
    assert not AuditEvent.objects.filter(action="login_failed").exists()


def test_a_failed_login_without_a_request_is_not_recorded(known):
    user_login_failed.send(sender=__name__, credentials={"username": known.username})
    assert not AuditEvent.objects.filter(action="login_failed").exists()


# --- Changes in the Django admin --------------------------------------------------------------


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", "aigul")


@pytest.fixture
def admin_site(verified_client, admin_user):
    return verified_client(admin_user)


def installation(name: str) -> Installation:
    return installation_save(installation=Installation(name=name, slug=name.lower()))


def test_a_change_in_the_admin_names_the_kind_only(admin_site, admin_user):
    station = installation("Station")
    with Window() as window:
        response = admin_site.post(
            f"/admin/testimony/installation/{station.pk}/change/",
            {
                "name": "Central station",
                "slug": "station",
                "languages": '["kk", "ru", "en"]',
                "rotation_seconds": 20,
                "layout": station.layout,
                "label_policy": "{}",
                "helplines": "{}",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = only("admin_changed")
    assert event.actor == admin_user and event.subject == "testimony.installation"
    assert window.holds(event.at) and event.story_id is None
    assert str(station.pk) not in event.subject + event.reason and "station" not in event.reason


def test_a_deletion_in_the_admin_is_recorded(admin_site, admin_user):
    station = installation("Station")
    response = admin_site.post(
        f"/admin/testimony/installation/{station.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    event = only("admin_deleted")
    assert event.actor == admin_user and event.subject == "testimony.installation" and event.at


def test_deleting_several_at_once_in_the_admin_records_each_deletion(admin_site, admin_user):
    """The change list's "Delete selected" action: Django logs it with one bulk insert."""
    chosen = [installation(name) for name in ("Station", "Library", "Airport")]
    response = admin_site.post(
        "/admin/testimony/installation/",
        {"action": "delete_selected", "_selected_action": [i.pk for i in chosen], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Installation.objects.exists()
    events = AuditEvent.objects.filter(action="admin_deleted")
    assert [(e.actor, e.subject) for e in events] == [(admin_user, "testimony.installation")] * 3
    assert all(e.at and e.story_id is None for e in events)


def test_deleting_several_still_asks_for_confirmation_first(admin_site):
    chosen = [installation(name) for name in ("Station", "Library")]
    response = admin_site.post(
        "/admin/testimony/installation/",
        {"action": "delete_selected", "_selected_action": [i.pk for i in chosen]},
    )
    assert response.status_code == 200
    assert 'name="post" value="yes"' in response.content.decode()  # the confirmation form
    assert Installation.objects.count() == 2
    assert not AuditEvent.objects.filter(action="admin_deleted").exists()
