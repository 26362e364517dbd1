"""How a story is shown to a moderator (moderation.presentation): the placeholder a finding
suggests, the danger model's words, the highlighted segments, the suggestions, the blur."""

import re

import pytest

from moderation import claims, decisions
from moderation.models import Finding, Placeholder, Severity
from moderation.presentation import (
    finding_detail,
    highlighted_segments,
    opens_blurred,
    placeholder_for,
    suggestions,
)
from moderation.screening import story_screen
from testimony.models import Label, Story
from tests.moderation.factories import pii, screened
from tests.testimony.factories import submitted as tell

pytestmark = pytest.mark.django_db

TEXT = "Arman calls me from 8 701 555 12 34 every night and says he is coming back."
NAME = (0, 5)
PHONE = (TEXT.index("8 701"), TEXT.index("8 701") + len("8 701 555 12 34"))


def told(text: str) -> Story:
    """A story submitted and screened by the real pipeline, findings and all."""
    story_id = tell(text=text).story_id
    assert story_screen(story_id=story_id)
    return Story.objects.get(id=story_id)


def findings_of(story: Story) -> list[Finding]:
    return list(story.findings.all())


def one_finding(kind: str, screener: str = "pii") -> Finding:
    story = screened(TEXT, findings=[(screener, kind, Severity.HIGH, 0, 5)])
    return story.findings.get()


# --- placeholder_for --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, placeholder",
    [
        ("person", Placeholder.NAME),
        ("name", Placeholder.NAME),
        ("first-name", Placeholder.NAME),
        ("handle", Placeholder.NAME),
        ("phone", Placeholder.PHONE),
        ("email", Placeholder.EMAIL),
        ("e-mail", Placeholder.EMAIL),
        ("address", Placeholder.ADDRESS),
        ("street", Placeholder.ADDRESS),
        ("place", Placeholder.PLACE),
        ("city", Placeholder.PLACE),
        ("village", Placeholder.PLACE),
        ("iin", Placeholder.NUMBER),
        ("card", Placeholder.NUMBER),
        ("plate", Placeholder.NUMBER),
        ("document", Placeholder.NUMBER),
        ("age", Placeholder.NUMBER),
        ("children", Placeholder.NUMBER),
        ("date", Placeholder.DATE),
        ("workplace", Placeholder.WORK),
        ("position", Placeholder.WORK),
        ("url", Placeholder.LINK),
        ("social", Placeholder.LINK),
    ],
)
def test_each_kind_suggests_its_placeholder(kind, placeholder):
    assert placeholder_for(one_finding(kind)) == placeholder


@pytest.mark.parametrize(
    "kind, placeholder",
    [
        ("Phone", Placeholder.PHONE),  # any case
        ("phone-mobile", Placeholder.PHONE),  # a kind named after its family
        ("city_district", Placeholder.PLACE),
        ("person-alias", Placeholder.NAME),
    ],
)
def test_a_kind_of_a_known_family_suggests_the_familys_placeholder(kind, placeholder):
    assert placeholder_for(one_finding(kind)) == placeholder


@pytest.mark.parametrize("kind", ["something-new", "threat", "x"])
def test_an_unknown_kind_suggests_the_neutral_placeholder(kind):
    assert placeholder_for(one_finding(kind)) == Placeholder.REMOVED


def test_every_kind_the_screeners_found_in_a_story_has_a_placeholder_of_its_own():
    story = told(
        "Arman calls me from 8 701 555 12 34 and writes to aigerim.k@mail.kz. "
        "He works at Kaspi Bank. We lived at ул. Абая 15, кв. 3 in Karaganda. "
        "His car is 123 ABC 01. My son is 7 years old. It started on 12 March 2021. "
        "See instagram.com/arman_s and https://example.kz/x."
    )
    found = [f for f in findings_of(story) if f.screener == "pii"]
    assert len({f.kind for f in found}) >= 8
    assert {f.kind: placeholder_for(f) for f in found if placeholder_for(f) == "[…]"} == {}


# --- finding_detail ---------------------------------------------------------------------------

MODEL_TEXT = "He sent my mother a photo of our new flat. Under it he wrote: see you soon."


def test_the_danger_models_finding_shows_the_words_that_weighed_most():
    story = told(MODEL_TEXT)
    [model] = [f for f in findings_of(story) if f.kind == "model"]
    shown = finding_detail(model, story.text)
    head, _, words = shown.partition("words that weighed most: ")
    assert head.startswith("danger: model: p=")
    in_text = re.findall(r"\w+", MODEL_TEXT)
    assert words and all(w.strip("«»") in in_text for w in words.split(", "))


def _model_finding(text: str, offsets: str) -> Finding:
    story = screened(text, findings=[("danger", "model", Severity.MEDIUM, 0, len(text))])
    finding = story.findings.get()
    finding.detail = "danger: model: p=0.61"
    finding.highlights = [[int(n) for n in pair.split("-")] for pair in offsets.split()]
    return finding


def test_the_models_words_are_cut_from_the_text_by_their_offsets():
    text = "He said I will pay with my life."
    assert finding_detail(_model_finding(text, "15-18 27-31"), text) == (
        "danger: model: p=0.61, words that weighed most: «pay», «life»"
    )


def test_the_models_offsets_count_code_points_past_an_emoji():
    text = "😢😢 He said I will pay with my life."
    start = text.index("pay")
    shown = finding_detail(_model_finding(text, f"{start}-{start + 3}"), text)
    assert shown.endswith("most: «pay»")


def test_offsets_outside_the_text_are_left_out():
    text = "He said I will pay with my life."
    shown = finding_detail(_model_finding(text, "15-18 30-99 9-9 40-50"), text)
    assert shown.endswith("most: «pay»")


def test_a_finding_of_a_rule_is_shown_as_it_was_recorded():
    story = screened(TEXT, findings=[pii("phone", *PHONE)])
    finding = story.findings.get()
    assert finding_detail(finding, story.text) == "pii rule: phone"


def test_the_finding_keeps_offsets_and_the_page_the_words():
    story = told(MODEL_TEXT)
    [model] = [f for f in findings_of(story) if f.kind == "model"]
    assert not any(word in model.detail for word in ("wrote", "soon", "Under", "see"))
    # The words are structured data on the finding: offsets, not text to parse.
    assert model.highlights and all(
        0 <= start < end <= len(MODEL_TEXT) for start, end in model.highlights
    )
    assert not any(char.isdigit() for char in model.detail.split("p=")[0])


# --- highlighted_segments ---------------------------------------------------------------------


def _segments(text, *spans):
    story = screened(text, findings=[pii(kind, start, end) for kind, start, end in spans])
    return highlighted_segments(story.text, findings_of(story))


def test_the_segments_put_together_are_the_text():
    segments = _segments(TEXT, ("person", *NAME), ("phone", *PHONE))
    assert "".join(s.text for s in segments) == TEXT
    assert all(TEXT[s.start : s.end] == s.text for s in segments)


def test_the_text_is_cut_at_every_findings_start_and_end():
    segments = _segments(TEXT, ("person", *NAME), ("phone", *PHONE))
    assert [(s.start, s.end) for s in segments] == [
        (0, 5),
        (5, PHONE[0]),
        PHONE,
        (PHONE[1], len(TEXT)),
    ]
    assert [[f.kind for f in s.findings] for s in segments] == [["person"], [], ["phone"], []]


def test_overlapping_findings_share_the_segment_they_both_cover():
    text = "Aigerim Seitkali lives in Karaganda."
    segments = _segments(text, ("person", 0, 16), ("place", 8, 35))
    assert [(s.text, sorted(f.kind for f in s.findings)) for s in segments] == [
        ("Aigerim ", ["person"]),
        ("Seitkali", ["person", "place"]),
        (" lives in Karaganda", ["place"]),
        (".", []),
    ]


def test_a_finding_inside_another_splits_it_in_three():
    text = "Мы жили там: ул. Абая 15, кв. 3."
    address = text.index("ул.")
    segments = _segments(
        text, ("address", address, len(text) - 1), ("person", address + 4, address + 8)
    )
    assert [(s.text, len(s.findings)) for s in segments] == [
        ("Мы жили там: ", 0),
        ("ул. ", 1),
        ("Абая", 2),
        (" 15, кв. 3", 1),
        (".", 0),
    ]


def test_segments_count_code_points_so_an_emoji_never_shifts_a_highlight():
    text = "😢 Я боюсь 🙏🏽 Арман звонит с 8 701 555 12 34."  # each emoji: two UTF-16 units
    start, phone = text.index("Арман"), text.index("8 701")
    segments = _segments(text, ("person", start, start + 5), ("phone", phone, phone + 15))
    assert [s.text for s in segments if s.findings] == ["Арман", "8 701 555 12 34"]
    assert segments[-2].start == phone  # the page converts from here, within the segment


def test_findings_outside_the_text_or_empty_are_not_highlighted():
    segments = _segments(TEXT, ("person", *NAME), ("phone", 70, 500), ("email", 9, 9))
    assert [s.text for s in segments if s.findings] == ["Arman"]
    assert "".join(s.text for s in segments) == TEXT


def test_a_story_without_findings_is_one_plain_segment():
    [segment] = _segments(TEXT)
    assert segment.text == TEXT and segment.findings == [] and segment.css == ""


def test_a_segment_is_marked_by_its_screeners_and_high_severity():
    story = screened(
        TEXT,
        findings=[
            ("pii", "person", Severity.MEDIUM, *NAME),
            ("danger", "threat", Severity.HIGH, 0, 14),
        ],
    )
    first = highlighted_segments(story.text, findings_of(story))[0]
    assert first.css == "hl-danger hl-high hl-pii"
    assert "pii: person — pii rule: person" in first.title


def test_a_segment_of_low_findings_is_not_marked_high():
    story = screened(TEXT, findings=[("pii", "place", Severity.LOW, *NAME)])
    first = highlighted_segments(story.text, findings_of(story))[0]
    assert first.css == "hl-pii"


def test_a_segments_title_leaves_the_models_offsets_out():
    story = told(MODEL_TEXT)
    titled = [s for s in highlighted_segments(story.text, findings_of(story)) if s.findings]
    assert titled and all("weighed" not in s.title and "[" not in s.title for s in titled)
    assert any("danger: model" in s.title for s in titled)


# --- suggestions ------------------------------------------------------------------------------


def test_personal_data_is_suggested_for_redaction_with_its_placeholder():
    story = screened(TEXT, findings=[pii("person", *NAME), pii("phone", *PHONE)])
    assert suggestions(findings_of(story)) == [
        {"start": 0, "end": 5, "placeholder": Placeholder.NAME},
        {"start": PHONE[0], "end": PHONE[1], "placeholder": Placeholder.PHONE},
    ]


def test_only_personal_data_is_suggested():
    story = screened(
        TEXT,
        findings=[
            ("danger", "threat", Severity.HIGH, 0, 14),
            ("abuse", "slur", Severity.HIGH, 15, 20),
            ("language", "en", Severity.INFO, 0, len(TEXT)),
            pii("phone", *PHONE),
        ],
    )
    assert [s["placeholder"] for s in suggestions(findings_of(story))] == [Placeholder.PHONE]


def test_an_empty_span_is_never_suggested():
    story = screened(TEXT, findings=[pii("phone", 9, 9)])
    assert suggestions(findings_of(story)) == []


def test_suggestions_follow_what_the_screeners_found():
    story = told(TEXT)
    suggested = {(s["start"], s["end"]): s["placeholder"] for s in suggestions(findings_of(story))}
    assert suggested[PHONE] == Placeholder.PHONE


# --- opens_blurred ----------------------------------------------------------------------------


def test_a_calm_story_opens_as_she_prefers():
    story = screened(TEXT, findings=[pii("phone", *PHONE)])
    assert opens_blurred(story, findings_of(story)) is False


def test_an_urgent_story_always_opens_blurred():
    story = screened(TEXT, urgent=True)
    assert opens_blurred(story, findings_of(story)) is True


@pytest.mark.parametrize("kind", ["sexual-violence", "sexual_violence", "rape", "sexual"])
def test_a_story_found_to_speak_of_sexual_violence_opens_blurred(kind):
    story = screened(TEXT, findings=[("danger", kind, Severity.MEDIUM, 0, 5)])
    assert opens_blurred(story, findings_of(story)) is True


def test_a_finding_of_a_screener_for_sexual_violence_opens_blurred():
    story = screened(TEXT, findings=[("sexual-violence", "assault", Severity.MEDIUM, 0, 5)])
    assert opens_blurred(story, findings_of(story)) is True


def _approved_with(labels, lead) -> Story:
    story = screened(TEXT)
    claims.claim_take(story_id=story.id, user=lead)
    story.refresh_from_db()
    decisions.story_approve(story_id=story.id, user=lead, version=story.version, labels=labels)
    return Story.objects.get(id=story.id)


def test_a_story_labelled_sexual_violence_opens_blurred(lead):
    story = _approved_with([Label.SEXUAL], lead)
    assert story.labels == [Label.SEXUAL]
    assert opens_blurred(story, findings_of(story)) is True


def test_other_labels_do_not_blur(lead):
    story = _approved_with([Label.PHYSICAL, Label.CHILDREN], lead)
    assert opens_blurred(story, findings_of(story)) is False
