"""The walls page of the workspace: a lead's pause switches, screens and reported stories."""

import re

import pytest
from django.contrib.auth.models import User

from testimony.models import Status, Story
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db


def lead(client, *, allowed: bool = True) -> User:
    """A lead (or, not allowed, a moderator) logged in with a verified TOTP code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from moderation.accounts import moderator_create

    made = moderator_create(
        username="lead", role="lead" if allowed else "moderator", languages=["en"]
    )
    made.device.confirmed = True
    made.device.save()
    client.force_login(made.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = made.device.persistent_id
    session.save()
    return made.user


def test_a_lead_pauses_and_resumes_the_walls_and_intake(client):
    lead(client)
    assert client.post("/moderate/wall/", {"action": "pause_walls"}).status_code == 302
    assert client.post("/moderate/wall/", {"action": "pause_intake"}).status_code == 302
    html = client.get("/moderate/wall/").content.decode()
    assert "Resume the walls" in html and "Resume intake" in html
    client.post("/moderate/wall/", {"action": "resume_intake"})
    from testimony.switches import switches

    assert switches().walls_paused and not switches().intake_paused


def test_only_leads_may_pause(client):
    lead(client, allowed=False)
    assert client.post("/moderate/wall/", {"action": "pause_walls"}).status_code == 403


def test_the_lead_page_needs_a_verified_totp_code(client):
    user = lead(client)
    client.logout()
    client.force_login(user)  # password only, no code this session
    assert client.get("/moderate/wall/")["Location"].startswith("/moderate/login/")
    assert "_auth_user_id" not in client.session  # logged out: the login asks for both


def test_a_lead_unpublishes_a_reported_story(client):
    lead(client)
    story = factories.published(
        at=[factories.installation()], text="Reported text of a story told here."
    )
    client.post("/wall/report/", {"story": str(story.id)})
    assert "Reported text of a story told here." in client.get("/moderate/wall/").content.decode()
    page = client.get("/moderate/wall/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post(
        "/moderate/wall/", {"action": "unpublish", "story": str(story.id), "version": version}
    )
    assert Story.objects.get(id=story.id).status == Status.REJECTED


def test_a_lead_unpublishing_from_a_stale_page_is_told_and_changes_nothing(client):
    lead(client)
    story = factories.published(
        at=[factories.installation()], text="Reported text of a story told here."
    )
    client.post("/wall/report/", {"story": str(story.id)})
    stale = str(Story.objects.get(id=story.id).version - 1)
    response = client.post(
        "/moderate/wall/",
        {"action": "unpublish", "story": str(story.id), "version": stale},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    assert Story.objects.get(id=story.id).status == Status.PUBLISHED


@pytest.mark.parametrize("story", ["not-a-uuid", "", "../../etc", "0" * 5000])
@pytest.mark.parametrize("action", ["unpublish", "keep"])
def test_the_lead_page_answers_a_malformed_story_id_without_an_error(client, story, action):
    lead(client)
    response = client.post("/moderate/wall/", {"action": action, "story": story, "version": "x"})
    assert response.status_code == 302


@pytest.mark.parametrize("allowed", [True, False])
def test_a_report_shows_in_the_leads_queue_and_links_to_the_walls_page(client, allowed):
    lead(client, allowed=allowed)
    story = factories.published(
        at=[factories.installation()], text="Reported text of a story told here."
    )
    before = client.get("/moderate/").content.decode()
    assert "The public reported" not in before
    assert ('href="/moderate/wall/"' in before) is allowed  # the lead's nav reaches the page
    client.post("/wall/report/", {"story": str(story.id)})
    client.post("/wall/report/", {"story": str(story.id)})  # counted once per story
    queue = client.get("/moderate/").content.decode()
    assert ("The public reported 1 story on the wall" in queue) is allowed
    assert ("1 reported" in queue) is allowed
    if allowed:
        client.post("/moderate/wall/", {"action": "keep", "story": str(story.id)})
        assert "The public reported" not in client.get("/moderate/").content.decode()


def test_the_walls_page_lists_the_help_resources_to_check(client):
    import datetime

    from django.utils import timezone

    from testimony.models import HelpResource

    HelpResource.objects.create(
        name="Never checked", kind="crisis-centre", phone="+7 700 000 0000", language="en"
    )
    lapsing = timezone.localdate() - datetime.timedelta(days=175)  # of 180
    HelpResource.objects.filter(phone="112", language="en").update(verified_on=lapsing)
    lead(client)
    html = client.get("/moderate/wall/").content.decode()
    listed = html[html.index('id="help-to-check"') :]
    assert "Never checked" in listed and "not verified: hidden from survivors" in listed
    assert "Emergency services" in listed and "to check again before" in listed
    HelpResource.objects.update(verified=True, verified_on=timezone.localdate())
    html = client.get("/moderate/wall/").content.decode()
    assert "Every help resource is verified." in html
