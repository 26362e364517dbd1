"""A moderator's own reading of urgency: the queue follows it, and each disagreement with the
screener is counted per finding kind, with nothing of the story kept."""

import pytest
from knox.models import AuthToken

from moderation import claims, decisions
from moderation.errors import Forbidden
from moderation.models import Severity, UrgencyDisagreement
from moderation.selectors import QueueFilters, queue_page
from testimony.models import AuditEvent
from tests.moderation import factories

pytestmark = pytest.mark.django_db

TEXT = "He waits outside every evening now and says tonight he will finish what he started."
THREAT = (TEXT.index("tonight"), len(TEXT) - 1)


def mark(story, user, urgent: bool):
    story = factories.claimed(story, user)
    return decisions.story_mark_urgency(
        story_id=story.id, user=user, version=story.version, urgent=urgent
    )


def counts() -> dict:
    return {(r.kind, r.direction): r.count for r in UrgencyDisagreement.objects.all()}


def test_a_story_she_reads_as_urgent_goes_to_the_front_and_a_miss_is_counted(moderator):
    calm = factories.pending()
    later = factories.pending()
    done = mark(later, moderator, urgent=True)
    page = queue_page(filters=QueueFilters(languages=()))
    assert page.stories[0].id == later.id and calm.id in {s.id for s in page.stories}
    assert done.version > later.version
    assert counts() == {("none", "missed"): 1}


def test_a_false_alarm_is_counted_for_each_kind_of_danger_found(moderator):
    story = factories.screened(
        TEXT,
        urgent=True,
        findings=[
            ("danger", "threat", Severity.HIGH, *THREAT),
            ("danger", "stalking", Severity.HIGH, 0, 25),
            ("pii", "person", Severity.HIGH, 0, 2),
        ],
    )
    mark(story, moderator, urgent=False)
    story.refresh_from_db()
    assert not story.urgent
    assert counts() == {("threat", "false_alarm"): 1, ("stalking", "false_alarm"): 1}
    mark(
        factories.screened(TEXT, urgent=True, findings=[("danger", "threat", 3, 0, 5)]),
        moderator,
        urgent=False,
    )
    assert counts()[("threat", "false_alarm")] == 2


def test_agreeing_with_the_screener_counts_nothing(moderator):
    mark(factories.pending(), moderator, urgent=False)
    assert counts() == {}


def test_the_counts_keep_nothing_of_the_story(moderator, all_rows):
    story = factories.screened(TEXT, urgent=True, findings=[("danger", "threat", 3, *THREAT)])
    mark(story, moderator, urgent=False)
    row = UrgencyDisagreement.objects.get()
    assert {f.name for f in row._meta.concrete_fields} == {"id", "kind", "direction", "count"}
    event = AuditEvent.objects.get(story_id=story.id, action="urgency_marked")
    assert event.at is None and event.day is not None and event.reason == "not_urgent"


def test_a_story_kept_for_leads_is_theirs_to_mark(moderator, lead):
    story = factories.escalated()
    with pytest.raises(Forbidden):
        decisions.story_mark_urgency(
            story_id=story.id, user=moderator, version=story.version, urgent=True
        )
    mark(story, lead, urgent=True)


def test_both_surfaces_mark_and_the_operations_page_shows_the_counts(
    client, verified_client, moderator, lead
):
    story = factories.pending()
    workspace = verified_client(moderator)
    workspace.get(f"/moderate/stories/{story.id}/")
    story.refresh_from_db()
    response = workspace.post(
        f"/moderate/stories/{story.id}/urgency/", {"version": story.version, "urgent": "yes"}
    )
    assert response.status_code == 302 and f"/moderate/stories/{story.id}/" in response["Location"]
    other = factories.pending()
    token = AuthToken.objects.create(user=moderator)[1]
    claims.claim_take(story_id=other.id, user=moderator)
    other.refresh_from_db()
    api = client.post(
        f"/api/v1/moderation/stories/{other.id}/urgency/",
        {"version": other.version, "urgent": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert api.status_code == 200
    assert counts() == {("none", "missed"): 2}
    page = verified_client(lead).get("/moderate/operations/").content.decode()
    assert "urgent, though the screener did not say so" in page and ">2<" in page
