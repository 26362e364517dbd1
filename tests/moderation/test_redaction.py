"""Redactions add up and are only ever removed by a request that names them.

The audit's three ways of losing the first moderator's redaction (a lead's approval with no
redactions, an approval after /redact/ without them, the workspace form without JavaScript)
each have a test; a property test walks random sequences of redact, approve (with and
without the field), escalate, release and second approvals.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knox.models import AuthToken

from moderation import claims, decisions, errors, redaction
from moderation.errors import ReviewError
from moderation.models import FirstApproval, Redaction, Severity
from moderation.policy import kept_for_leads
from testimony.models import AuditEvent, Installation, Status, Story
from testimony.wall.publication import publish_due
from tests.moderation.factories import approve, screened

pytestmark = pytest.mark.django_db

NAME_TEXT = "My husband Serik Akhmetov beat me in front of our children."
NAME = (11, 25)  # "Serik Akhmetov"
TEXT = "He calls from 8 701 555 12 34 and says he will kill me tonight if I do not come home."
PHONE = (TEXT.index("8 701"), TEXT.index("8 701") + len("8 701 555 12 34"))
DANGER = (TEXT.index("he will kill"), TEXT.index(" if I"))
PHONE_SPAN = {"start": PHONE[0], "end": PHONE[1], "placeholder": "[phone]"}


def risky_story() -> Story:
    """A phone number and a danger finding: the first approval waits for a lead's second."""
    return screened(
        TEXT,
        findings=[
            ("pii", "phone", Severity.HIGH, *PHONE),
            ("danger", "threat", Severity.HIGH, *DANGER),
        ],
    )


def fresh(story: Story) -> Story:
    return Story.objects.get(id=story.id)


def claimed(story: Story, user) -> Story:
    claims.claim_take(story_id=story.id, user=user)
    return fresh(story)


def first_approval_with_the_phone_redacted(story: Story, moderator) -> Story:
    story = claimed(story, moderator)
    done = decisions.story_approve(
        story_id=story.id, user=moderator, version=story.version, redactions=[PHONE_SPAN]
    )
    assert done.second_review_pending
    return fresh(story)


def the_phone_never_reaches_the_feed(story: Story, client) -> None:
    story = fresh(story)
    assert story.status == Status.APPROVED
    assert "8 701" not in story.published_text
    assert [(r.start, r.end) for r in Redaction.objects.filter(story=story)] == [PHONE]
    wall = Installation.objects.create(slug="hall", name="Hall", on_web=True)
    story.installations.set([wall])
    publish_due(now=story.publish_at.replace(year=story.publish_at.year + 1))
    feed = client.get("/api/v1/wall/hall/stories/").content.decode()
    assert "[phone]" in feed
    assert "8 701" not in feed


def test_a_leads_second_approval_without_redactions_keeps_the_first_ones(client, moderator, lead):
    story = first_approval_with_the_phone_redacted(risky_story(), moderator)
    story = claimed(story, lead)
    token = AuthToken.objects.create(user=lead)[1]
    response = client.post(
        f"/api/v1/moderation/stories/{story.id}/decision/",
        {"action": "approve", "version": story.version},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 200, response.content
    the_phone_never_reaches_the_feed(story, client)


def test_an_approval_after_redact_without_redactions_keeps_them(client, moderator, lead):
    story = claimed(risky_story(), moderator)
    token = AuthToken.objects.create(user=moderator)[1]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}", "content_type": "application/json"}
    redacted = client.post(
        f"/api/v1/moderation/stories/{story.id}/redact/",
        {"version": story.version, "redactions": [PHONE_SPAN]},
        **auth,
    )
    assert redacted.status_code == 200
    version = redacted.json()["version"]
    approved = client.post(
        f"/api/v1/moderation/stories/{story.id}/decision/",
        {"action": "approve", "version": version},
        **auth,
    )
    assert approved.status_code == 200 and approved.json()["second_review_pending"]
    story = claimed(story, lead)
    decisions.story_approve(story_id=story.id, user=lead, version=story.version)
    the_phone_never_reaches_the_feed(story, client)


def test_the_workspace_form_without_javascript_keeps_the_redactions(
    client, verified_client, moderator, lead
):
    story = first_approval_with_the_phone_redacted(risky_story(), moderator)
    workspace = verified_client(lead)
    page = workspace.get(f"/moderate/stories/{story.id}/")  # opening it claims it
    assert page.status_code == 200
    story = fresh(story)
    # What the form posts when its script never ran: the hidden fields are empty.
    response = workspace.post(
        f"/moderate/stories/{story.id}/decide/",
        {"action": "approve", "version": story.version, "redactions": "", "unredact": ""},
    )
    assert response.status_code == 302
    the_phone_never_reaches_the_feed(story, client)


def test_a_saved_redaction_goes_only_when_named(moderator):
    story = claimed(screened(TEXT), moderator)
    story = decisions.story_redact(
        story_id=story.id, user=moderator, version=story.version, redactions=[PHONE_SPAN]
    )
    other = {"start": 0, "end": 2, "placeholder": "[…]"}
    story = decisions.story_redact(
        story_id=story.id, user=moderator, version=story.version, redactions=[other]
    )
    assert [(r.start, r.end) for r in story.redactions.all()] == [(0, 2), PHONE]
    story = decisions.story_redact(
        story_id=story.id,
        user=moderator,
        version=story.version,
        unredact=[{"start": PHONE[0], "end": PHONE[1]}],
    )
    assert [(r.start, r.end) for r in story.redactions.all()] == [(0, 2)]


def test_naming_a_redaction_the_story_does_not_have_is_a_conflict(moderator):
    story = claimed(screened(TEXT), moderator)
    with pytest.raises(errors.Conflict):
        decisions.story_redact(
            story_id=story.id,
            user=moderator,
            version=story.version,
            unredact=[{"start": 1, "end": 4}],
        )


def test_the_workspace_script_names_what_the_moderator_took_out(verified_client, moderator):
    story = claimed(screened(TEXT), moderator)
    story = decisions.story_redact(
        story_id=story.id, user=moderator, version=story.version, redactions=[PHONE_SPAN]
    )
    workspace = verified_client(moderator)
    workspace.get(f"/moderate/stories/{story.id}/")
    response = workspace.post(
        f"/moderate/stories/{story.id}/decide/",
        {
            "action": "approve",
            "version": story.version,
            "redactions": "[]",
            "unredact": json.dumps([{"start": PHONE[0], "end": PHONE[1]}]),
        },
    )
    assert response.status_code == 302
    assert not Redaction.objects.filter(story=story).exists()


def test_redactions_count_code_points_so_an_emoji_before_a_name_slips_nothing():
    text = "🙂🙂 Aigerim hit me"
    start = text.index("Aigerim")
    assert start == 3  # three code points, though five UTF-16 units
    spans = redaction.spans_clean(
        [{"start": start, "end": start + 7, "placeholder": "[name]"}], text
    )
    assert redaction.redacted_text(text, spans) == "🙂🙂 [name] hit me"


def test_overlapping_redactions_merge_and_bad_ones_are_refused():
    text = "Call 8 701 555 12 34 now"
    spans = redaction.spans_clean(
        [
            {"start": 5, "end": 12, "placeholder": "[phone]"},
            {"start": 10, "end": 20, "placeholder": "[number]"},
        ],
        text,
    )
    assert spans == [redaction.Span(5, 20, "[phone]")]
    with pytest.raises(errors.Invalid):
        redaction.spans_clean([{"start": 3, "end": 99, "placeholder": "[name]"}], text)
    with pytest.raises(errors.Invalid):
        redaction.spans_clean([{"start": 1, "end": 2, "placeholder": "<script>"}], text)


def test_redacting_saves_spans_bumps_the_version_and_is_audited(moderator):
    story = screened(NAME_TEXT)
    claims.claim_take(story_id=story.id, user=moderator)
    redacted = decisions.story_redact(
        story_id=story.id,
        user=moderator,
        version=story.version,
        redactions=[{"start": NAME[0], "end": NAME[1], "placeholder": "[name]"}],
    )
    assert redacted.version == story.version + 1
    assert list(Redaction.objects.filter(story=story).values_list("start", "end")) == [NAME]
    assert AuditEvent.objects.filter(story_id=story.id, action="redacted", actor=moderator).exists()


def test_placeholders_speak_the_storys_language(moderator):
    text = "Мой муж Серик Ахметов бил меня при детях, и никто не верил."
    story = screened(text, language="ru")
    start = text.index("Серик")
    approve(
        story, moderator, redactions=[{"start": start, "end": start + 13, "placeholder": "[name]"}]
    )
    story.refresh_from_db()
    assert story.published_text == "Мой муж [имя] бил меня при детях, и никто не верил."


# --- The property -------------------------------------------------------------------------
spans = st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 12)).map(
    lambda p: {"start": p[0], "end": min(len(TEXT), p[0] + p[1]), "placeholder": "[…]"}
)
operations = st.one_of(
    st.tuples(st.just("redact"), st.lists(spans, max_size=2), st.lists(st.integers(0, 5))),
    st.tuples(st.just("approve"), st.none() | st.lists(spans, max_size=2), st.just([])),
    st.tuples(st.just("escalate"), st.none(), st.just([])),
    st.tuples(st.just("release"), st.none(), st.just([])),
)


def _covered(story: Story) -> set[int]:
    return {i for r in Redaction.objects.filter(story=story) for i in range(r.start, r.end)}


def _acting(story: Story, moderator, leads):
    """Who would act on the story now: a lead for stories kept for leads (one who did not
    give the first approval), a moderator otherwise."""
    if not kept_for_leads(story):
        return moderator
    first = FirstApproval.objects.filter(story=story).values_list("approver_id", flat=True)
    return next(lead for lead in leads if lead.pk not in set(first))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(risky=st.booleans(), held=st.booleans(), steps=st.lists(operations, max_size=7))
def test_a_stored_redaction_is_only_removed_by_a_request_that_names_it(
    make_user, risky, held, steps
):
    moderator = make_user("moderator")
    leads = [make_user("lead"), make_user("lead")]
    story = risky_story() if risky else screened(TEXT, held=held)
    for name, added, removing in steps:
        story = fresh(story)
        before = _covered(story)
        stored = list(Redaction.objects.filter(story=story).order_by("start"))
        named = [
            {"start": stored[i].start, "end": stored[i].end} for i in removing if i < len(stored)
        ]
        user = _acting(story, moderator, leads)
        try:
            claims.claim_take(story_id=story.id, user=user)
            story = fresh(story)
            version = story.version
            if name == "redact":
                decisions.story_redact(
                    story_id=story.id, user=user, version=version, redactions=added, unredact=named
                )
            elif name == "approve":
                extra = {} if added is None else {"redactions": added}
                decisions.story_approve(story_id=story.id, user=user, version=version, **extra)
            elif name == "escalate":
                decisions.story_escalate(story_id=story.id, user=user, version=version)
            else:
                decisions.story_release(story_id=story.id, user=user, version=version)
        except ReviewError:
            claims.claim_release(story_id=story.id, user=user)
            assert _covered(story) == before  # a refused request changes nothing
            continue
        claims.claim_release(story_id=story.id, user=user)
        uncovered = {i for span in named for i in range(span["start"], span["end"])}
        assert before - uncovered <= _covered(story), (name, added, named)
        story = fresh(story)
        if story.status == Status.APPROVED:
            shown = redaction.redacted_text(story.text, redaction.stored_spans(story))
            assert story.published_text == shown
