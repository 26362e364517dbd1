import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from testimony.sanitize import clean_story_text, plain_text


def test_markup_is_stripped_and_entities_unescaped():
    assert plain_text("<b>He</b> said &quot;stay&quot; <script>x()</script>&amp; left") == (
        'He said "stay" x()& left'
    )


def test_text_that_only_looks_like_markup_survives():
    assert plain_text("5 < 6 and 7 > 3") == "5 < 6 and 7 > 3"


def test_normalised_to_nfc():
    assert plain_text("e\u0301te") == "\u00e9te"


def test_zero_width_and_bidi_characters_are_removed():
    assert plain_text("a\u200bb\u200dc\u202ed\ufeffe\u2066f") == "abcdef"


def test_control_characters_are_removed_but_newlines_and_tabs_kept():
    assert plain_text("one\r\ntwo\rthree\x00\x07\tfour\x1b") == "one\ntwo\nthree\tfour"


def test_too_short_is_refused_in_the_active_language():
    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        clean_story_text("коротко")
    assert caught.value.code == "too_short"
    assert "20" in caught.value.messages[0]
    assert "символ" in caught.value.messages[0]


@override_settings(STORY_MAX_CHARS=50)
def test_too_long_is_refused():
    with pytest.raises(ValidationError) as caught:
        clean_story_text("x" * 51)
    assert caught.value.code == "too_long"


def test_length_counts_the_clean_text_not_the_markup():
    with pytest.raises(ValidationError):
        clean_story_text("<p>" + "\u200b" * 100 + "short</p>")
