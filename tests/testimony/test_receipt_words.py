"""The receipt word lists (testimony/receipt_words): 1,024 everyday words a language, aligned,
none two that typing could confuse, none the screeners read as danger or abuse."""

import random
import re
from collections import defaultdict

import pytest

from moderation.screeners import abuse, danger, wordlists
from moderation.screeners.text import fold_word as screener_fold
from moderation.screeners.text import parse_rules, plain_word, read_lines
from testimony import receipts

LANGUAGES = receipts.WORD_LANGUAGES
SCRIPTS = {
    "kk": re.compile(r"[а-яёәғқңөұүһі]+"),
    "ru": re.compile(r"[а-яё]+"),
    "en": re.compile(r"[a-z]+"),
}


@pytest.fixture(autouse=True)
def _shipped_lists_only():
    wordlists.set_enabled(False)  # the admin's words live in the database, not here
    yield
    wordlists.set_enabled(True)


def _all_words():
    return [
        (language, index, word)
        for language in LANGUAGES
        for index, word in enumerate(receipts.word_list(language))
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_list_holds_1024_lower_case_words_in_its_own_script(language):
    words = receipts.word_list(language)
    assert len(words) == receipts.LIST_SIZE == 2**receipts.WORD_BITS
    for word in words:
        assert SCRIPTS[language].fullmatch(word), word  # one word, nothing a tokenizer splits


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_words_of_a_list_are_one_after_normalisation(language):
    seen: dict[str, str] = {}
    for word in receipts.word_list(language):
        folded = receipts.fold_word(word)
        assert folded not in seen, f"{word} and {seen[folded]}"
        seen[folded] = word


def test_no_normalised_word_stands_for_two_indexes_across_the_lists():
    indexes = defaultdict(set)
    for language, index, word in _all_words():
        indexes[receipts.fold_word(word)].add((index, language, word))
    clashes = {key: found for key, found in indexes.items() if len({i for i, *_ in found}) > 1}
    assert not clashes


def _listed_terms():
    """Every word of the danger and abuse lists (phrase patterns), folded as the screeners fold
    them: (folded, is_stem, read on the plain text, where)."""
    terms = []
    for language in LANGUAGES:
        for name in ("danger.txt", "danger_cues.txt", "abuse.txt"):
            for rule, pattern in parse_rules(read_lines(language, name)):
                if rule == "past":
                    # A past cue only reads a danger as over ("last spring", "царство ему
                    # небесное"): a receipt word on it cannot make a story urgent or held.
                    continue
                for part in re.split(r"[\s/+]+", pattern):
                    if not part or part.startswith("~") or part == "#":
                        continue
                    term = part.strip("*=")
                    plain = language == "en"  # English rules read the plain text
                    folded = plain_word(term) if plain else screener_fold(term)
                    terms.append((folded, part.endswith("*"), plain, f"{language}/{name}: {rule}"))
    return terms


def test_no_word_is_on_the_danger_or_abuse_lists():
    terms = _listed_terms()
    lexicon = danger.lexicon()  # danger_words.txt, every form of each lemma
    found = []
    for language, _, word in _all_words():
        cues = lexicon.cues(word, screener_fold(word))
        if cues:
            found.append((language, word, sorted(cues)))
        keys = {True: plain_word(word), False: screener_fold(word)}
        for term, stem, plain, where in terms:
            key = keys[plain]
            # A stem of two or three letters is a root inside a phrase rule (kk "ал*" of
            # "алып кетті"), not a word: it would match алма, an apple.
            if key == term or (stem and len(term) >= 4 and key.startswith(term)):
                found.append((language, word, where))
        findings = abuse.screen(word)
        if findings:
            found.append((language, word, [f.detail for f in findings]))
    assert not found


def test_receipts_read_as_no_danger_and_no_abuse_to_the_screeners():
    rng = random.Random(15)
    for _ in range(60):
        code = receipts._code_of(rng.getrandbits(receipts.BITS))
        for language in LANGUAGES:
            note = "\n".join(receipts.words_of(code, language))
            assert not danger.screen(note, language), note
            assert not abuse.screen(note, language), note
