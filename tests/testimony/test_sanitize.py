"""The stored text is what she typed, minus markup: cleaned once, to a fixed point, with every
"<" that starts no tag, every "&" and every entity she wrote left as she wrote it."""

import html
import re
import unicodedata

import bleach
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from testimony.sanitize import CleanText, clean_story_text, plain_text


def test_markup_is_stripped_and_entities_she_typed_are_kept():
    assert plain_text("<b>He</b> said &quot;stay&quot; <script>x()</script>&amp; left") == (
        "He said &quot;stay&quot; x()&amp; left"
    )


def test_text_that_only_looks_like_markup_survives():
    assert plain_text("5 < 6 and 7 > 3") == "5 < 6 and 7 > 3"
    assert plain_text("a < b & c") == "a < b & c"
    assert plain_text("I <3 you, x<y, x </ y") == "I <3 you, x<y, x </ y"


def test_a_literal_entity_she_typed_stays_as_typed():
    assert plain_text("I wrote &lt; and &amp; and &#60; here") == (
        "I wrote &lt; and &amp; and &#60; here"
    )


def test_escaped_markup_is_not_turned_into_markup():
    # The old cleaner unescaped after bleach, twice: this came out as "<script>".
    assert plain_text("&amp;lt;script&amp;gt;") == "&amp;lt;script&amp;gt;"
    assert "<script" not in plain_text("&lt;script&gt;alert(1)&lt;/script&gt;")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<<b>script>alert(1)</script>", "alert(1)"),
        ("<<<b>b>script>x", "x"),
        ("</<b>bold", "</bold"),
        ("<title><b>bold</b></title> in a title", "bold in a title"),
        ("<textarea><script>x()</script></textarea>", "x()"),
        ("<plaintext><i>hi</i>", "hi"),
    ],
)
def test_a_tag_hidden_inside_broken_markup_is_stripped_too(typed, stored):
    assert plain_text(typed) == stored


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


@override_settings(STORY_MAX_CHARS=50)
def test_a_text_far_longer_than_a_story_is_too_long_without_being_cleaned(monkeypatch):
    import testimony.sanitize

    monkeypatch.setattr(testimony.sanitize, "plain_text", lambda text: pytest.fail("cleaned"))
    with pytest.raises(ValidationError) as caught:
        clean_story_text("<b></b>" * 29)  # 203 characters, over four times the limit
    assert caught.value.code == "too_long"


def test_a_cleaned_text_is_never_cleaned_again(monkeypatch):
    import testimony.sanitize

    clean = clean_story_text("<b>" + "long enough to be a story " * 2 + "</b>")
    assert isinstance(clean, CleanText) and "<b>" not in clean
    monkeypatch.setattr(testimony.sanitize, "plain_text", lambda text: pytest.fail("cleaned"))
    assert clean_story_text(clean) is clean


# --- Properties --------------------------------------------------------------------------------
# Text a person might type, with the characters markup is made of over-represented.
MARKUP_BITS = st.sampled_from(
    ["<", ">", "</", "<!", "<?", "&", ";", "&lt;", "&amp;", "&gt;", "&#60;", '"', "'", "=", "-"]
    + ["b", "i", "script", "title", "textarea", "plaintext", "style", "!--", "-->", " ", "\n"]
)
ANY_TEXT = st.lists(st.one_of(MARKUP_BITS, st.text(max_size=8)), max_size=30).map("".join)
PROPERTY = settings(max_examples=400, deadline=None)  # never timed: bleach's speed varies

# A tag bleach strips: a start or end tag, a comment, a declaration or a processing instruction.
TAG = re.compile(r"<(?:/?[A-Za-z][^<>]*|[!?][^<>]*)>")


def bleach_would_strip_something(text: str) -> bool:
    """An oracle independent of the module: escape her "&", let bleach strip, unescape."""
    escaped = text.replace("&", "&amp;")
    kept = bleach.clean(escaped, tags=[], attributes={}, strip=True, strip_comments=True)
    return html.unescape(kept) != text


@PROPERTY
@given(ANY_TEXT)
@example("<<b>script>alert(1)</script>")
@example("&amp;lt;script&amp;gt;")
def test_cleaning_is_idempotent(text):
    once = plain_text(text)
    assert plain_text(once) == once


@PROPERTY
@given(ANY_TEXT)
@example("<<b>script>alert(1)</script>")
@example("<title><<b>i>x</title>")
@example("</<b>")
def test_the_output_never_holds_a_tag(text):
    clean = plain_text(text)
    assert not TAG.search(clean), clean
    assert not bleach_would_strip_something(clean), clean


NO_TAG_START = st.characters(exclude_categories=("Cc", "Cf", "Cs"), exclude_characters="<")
PLAIN = st.lists(st.one_of(st.text(NO_TAG_START), st.sampled_from(["\n", "\t", "&", ">"]))).map(
    "".join
)


@PROPERTY
@given(PLAIN)
@example("a > b & c; &lt; &amp;amp; &#x3C; &copy")
@example("  e\u0301 \n")
@example("\u0300" * 5)
def test_text_without_markup_is_unchanged_but_for_nfc_and_trimming(text):
    """Unchanged, but for NFC, trimming and a run of combining marks cut to MAX_MARKS (tested
    on its own below)."""
    from testimony.sanitize import _MARK_RUN

    assert plain_text(text) == _MARK_RUN.sub(r"\1", unicodedata.normalize("NFC", text)).strip()


ENTITY = st.one_of(
    st.sampled_from(["&lt;", "&gt;", "&amp;", "&quot;", "&#60;", "&#x3C;", "&nbsp;", "&copy"]),
    st.from_regex(r"&(#[0-9]{1,5}|#x[0-9a-fA-F]{1,4}|[a-zA-Z]{1,8});?", fullmatch=True),
)
# Between her entities: words (no "<" or "&" of their own, no combining mark that NFC could
# fold into an entity's last letter), and markup that is stripped around them.
WORDS = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Mn", "Mc", "Me")), max_size=6)
AROUND = st.one_of(
    WORDS.map(lambda s: " " + s.replace("<", "").replace("&", "") + " "),
    st.sampled_from([" <b> ", " </i> ", " <!-- x --> ", " <br/> ", " < ", " > "]),
)


@PROPERTY
@given(st.lists(st.tuples(AROUND, ENTITY), min_size=1, max_size=8))
def test_every_entity_she_typed_survives(parts):
    text = "".join(around + entity for around, entity in parts) + " end"
    clean = plain_text(text)
    for _, entity in parts:
        assert entity in clean, (text, clean)


def test_the_invisible_table_is_every_control_format_and_surrogate_but_newline_and_tab():
    from testimony.sanitize import INVISIBLE_RANGES

    listed = {cp for low, high in INVISIBLE_RANGES for cp in range(low, high + 1)}
    wanted = {
        cp
        for cp in range(0x110000)
        if chr(cp) not in "\n\t" and unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs")
    }
    assert listed == wanted, sorted(listed ^ wanted)[:20]


@pytest.mark.parametrize(
    ("text", "bleach_runs"),
    [
        ("Plain words, nothing to strip, & a > sign", 0),
        ("  spaces around and a zero\u200bwidth space  ", 0),
        ("<b>bold</b> and <script>alert(1)</script> words", 1),
        ("<p>one paragraph</p>\n<p>another one</p>   ", 1),
    ],
)
def test_markup_is_parsed_once_and_plain_text_not_at_all(monkeypatch, text, bleach_runs):
    """A text cleaned in one pass is not parsed again to prove it; one with no "<" never is."""
    import testimony.sanitize

    calls = []
    real = bleach.clean
    monkeypatch.setattr(
        testimony.sanitize.bleach, "clean", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    clean = plain_text(text)
    assert len(calls) == bleach_runs
    assert "<" not in clean and clean == clean.strip()


MARK = st.sampled_from(["\u0301", "\u0308", "\u0483", "\u1dc4", "\u20d7", "\ufe20"])


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from("aаәeı "), st.lists(MARK, max_size=40)), max_size=30))
def test_no_letter_keeps_more_than_a_few_combining_marks(parts):
    from testimony.sanitize import _MARK_RUN, MAX_MARKS

    text = "".join(letter + "".join(marks) for letter, marks in parts)
    clean = plain_text(text)
    assert _MARK_RUN.search(clean) is None
    assert plain_text(clean) == clean
    for letter, marks in parts:  # a few marks on a letter (Vietnamese stacks two) all stay
        if 0 < len(marks) <= MAX_MARKS and letter != " ":
            assert unicodedata.normalize("NFC", letter + "".join(marks)) in clean


def test_a_story_of_ten_thousand_combining_marks_is_too_short():
    with pytest.raises(ValidationError) as refused:
        clean_story_text("\u0301" * 10_000)
    assert refused.value.code == "too_short"
