"""The screeners' text helpers (moderation.screeners.text): folding Kazakh and Russian in
either script to one rough spelling with offsets kept into the original, the phrase patterns of
the word lists, and the words of a story."""

import pytest

from moderation.screeners import text
from moderation.screeners.text import (
    RuleSet,
    compile_pattern,
    find_rules,
    fold,
    fold_word,
    parse_rules,
    plain,
    read_lines,
    rules,
    tokens,
    word_set,
)


def spans(found, original: str) -> list[tuple[str, str]]:
    """(rule, the original text of the span) for each hit."""
    return [(rule, original[start:end]) for rule, start, end in found]


def ruled(*lines: tuple[str, str], is_plain: bool = False) -> RuleSet:
    return RuleSet(list(lines), is_plain=is_plain)


# --- Folding across scripts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("өлтіремін", "öltiremin", "oltiremin"),  # kk: Cyrillic, official and ad-hoc Latin
        ("жерім жоқ", "jerim joq", "zherim zhok"),
        ("қорқамын", "qorqamyn", "korkamyn"),
        ("шешем", "şeşem", "sheshem"),
        ("ұрды", "ūrdy", "urdy"),
        ("меня", "menya", "menia"),  # ru: Cyrillic and Latin
        ("убью", "ubyu", "ub'yu", "ub’yu"),
        ("хочу", "khochu", "hochu"),
        ("семья", "sem'ya", "semya"),
    ],
)
def test_spellings_of_one_word_in_either_script_fold_alike(spellings):
    assert len({fold(spelling).text for spelling in spellings}) == 1, [
        fold(s).text for s in spellings
    ]


def test_folding_ignores_case():
    assert fold("ЖӘБІР Көрдім").text == fold("жәбір көрдім").text == "zhabir kordim"


def test_what_is_not_a_letter_of_either_script_is_kept():
    assert fold("8 701 555-12-34, 😢!").text == "8 701 555-12-34, 😢!"


def test_a_span_of_the_folded_text_maps_back_to_the_original_word():
    original = "Жаным, ол мені өлтіремін деді"
    folded = fold(original)
    start = folded.text.index("oltiremin")
    begin, end = folded.source(start, start + len("oltiremin"))
    assert original[begin:end] == "өлтіремін"


def test_a_letter_that_folds_to_two_maps_back_to_one():
    original = "муж сказал"
    folded = fold(original)
    assert folded.text.startswith("muzh")
    assert original[slice(*folded.source(2, 4))] == "ж"  # "zh"


def test_two_letters_that_fold_to_one_map_back_to_both():
    original = "Khabar"
    folded = fold(original)
    assert folded.text == "habar"
    assert original[slice(*folded.source(0, 1))] == "Kh"


def test_offsets_past_dropped_letters_stay_on_the_original():
    original = "Сем'я и подъезд: он ждёт меня"
    folded = fold(original)
    start = folded.text.index("menia")
    assert original[slice(*folded.source(start, start + 5))] == "меня"


def test_offsets_past_an_emoji_are_code_points_of_the_original():
    original = "😢😢 он ждёт меня"
    folded = fold(original)
    start = folded.text.index("menia")
    assert original[slice(*folded.source(start, start + 5))] == "меня"


@pytest.mark.parametrize(
    "original, word, folded_word",
    [
        ("Он убьёт меня", "меня", "menia"),  # ь drops a letter, я adds one
        ("Ol meni o'ltiremin dedi, jigerim.", "o'ltiremin", "oltiremin"),  # ' drops, j adds
        ("Don't go, Jamila", "Jamila", "zhamila"),
    ],
)
def test_offsets_stay_right_when_dropped_and_doubled_letters_even_out(original, word, folded_word):
    folded = fold(original)
    assert len(folded.text) == len(original)  # the case: as long as the original, yet shifted
    start = folded.text.index(folded_word)
    assert original[slice(*folded.source(start, start + len(folded_word)))] == word


def test_a_threat_in_the_apostrophe_alphabet_is_highlighted_whole():
    """Kazakh's 2018 Latin alphabet writes ө as o': one apostrophe and one j even out."""
    from moderation.screeners import danger

    story = "Ol meni o'ltiremin dedi, jigerim."
    assert [story[f.start : f.end] for f in danger.screen(story, "kk")] == ["o'ltiremin"]


def test_the_dotted_capital_i_of_kazakh_latin_folds_like_i():
    """ "İ" lower-cases to two code points (i and a combining dot): folding takes it as one."""
    assert fold("ÖLTİREMİN").text == fold("öltiremin").text == "oltiremin"


def test_offsets_past_a_dotted_capital_i_stay_on_the_original():
    original = "İnkar: ol meni öltiremin dedi."
    folded = fold(original)
    assert len(folded.text) == len(original)
    start = folded.text.index("oltiremin")
    assert original[slice(*folded.source(start, start + 9))] == "öltiremin"


def test_a_threat_after_a_name_with_a_dotted_capital_i_is_highlighted_on_its_words():
    from moderation.screeners import danger

    story = "İnkar: ol meni öltiremin dedi."
    assert [story[f.start : f.end] for f in danger.screen(story, "kk")] == ["öltiremin"]


def test_a_threat_typed_in_capitals_of_kazakh_latin_is_found():
    from moderation.screeners import danger

    story = "ÖLTİREMİN DEDİ, MEN QORQAMYN."
    assert "ÖLTİREMİN" in [story[f.start : f.end] for f in danger.screen(story, "kk")]


def test_the_folded_text_remembers_the_original():
    assert fold("Мені").original == "Мені"


def test_an_empty_span_maps_to_an_empty_span():
    folded = fold("он ждёт")
    begin, end = folded.source(3, 3)
    assert begin == end == 3


# --- Plain text, for English ------------------------------------------------------------------


def test_plain_lowers_and_drops_apostrophes_and_nothing_else():
    assert plain("Don't DIE, Мерей").text == "dont die, мерей"


def test_english_is_not_folded_to_meet_kazakh_or_russian():
    assert plain("die").text != plain("де").text
    assert fold_word("де") == "de"


def test_plain_offsets_map_back_past_a_dropped_apostrophe():
    original = "He'll kill me"
    folded = plain(original)
    start = folded.text.index("kill")
    assert original[slice(*folded.source(start, start + 4))] == "kill"


# --- Phrase patterns --------------------------------------------------------------------------


def test_alternatives_are_separated_by_a_slash():
    found = ruled(("kill", "убью/зарежу тебя")).find(fold("Сказал: зарежу тебя."))
    assert spans(found, "Сказал: зарежу тебя.") == [("kill", "зарежу тебя")]


def test_a_list_in_cyrillic_finds_a_story_in_latin_letters():
    story = "On skazal: ub'yu tebya"
    found = ruled(("kill", "убью тебя")).find(fold(story))
    assert spans(found, story) == [("kill", "ub'yu tebya")]


def test_a_star_matches_any_ending():
    rule_set = ruled(("kill", "өлтір*"))
    assert spans(rule_set.find(fold("ол өлтіремін деді")), "ол өлтіремін деді") == [
        ("kill", "өлтіремін")
    ]


def test_without_a_star_a_longer_word_is_not_matched():
    assert ruled(("knife", "нож")).find(fold("ножницы")) == []


def test_a_pattern_never_matches_inside_a_word():
    assert ruled(("kill", "бить")).find(fold("избить")) == []


def test_words_of_a_pattern_may_stand_three_apart_with_a_tilde():
    rule_set = ruled(("kill", "убью ~ тебя"))
    assert rule_set.find(fold("убью я сейчас тебя"))
    assert rule_set.find(fold("убью я сейчас вот прямо тебя")) == []


def test_a_tilde_with_a_number_allows_that_many_words_between():
    rule_set = ruled(("kill", "he ~5 kill"), is_plain=True)
    assert rule_set.find(plain("he said that he will surely kill"))
    assert rule_set.find(plain("he a b c d e f kill")) == []


def test_a_hash_is_a_number():
    story = "он бил меня 5 раз"
    assert spans(ruled(("count", "# раз")).find(fold(story)), story) == [("count", "5 раз")]


def test_a_plus_is_a_two_word_alternative():
    rule_set = ruled(("childcare", "детский+сад/садик ~1 #"))
    assert rule_set.find(fold("детский сад 12"))
    assert rule_set.find(fold("садик 12"))
    assert rule_set.find(fold("детскийсад 12")) == []


def test_compiled_patterns_are_folded_like_the_story():
    assert compile_pattern("убью") == compile_pattern("ubyu")


def test_a_rule_found_twice_in_a_story_is_reported_twice():
    story = "убью тебя, сказал он, убью тебя"
    found = ruled(("kill", "убью тебя")).find(fold(story))
    assert [s for _, s, _ in found] == [0, story.rindex("убью")]


def test_a_rule_is_not_reported_again_inside_its_own_match():
    story = "убью убью тебя"
    assert len(ruled(("kill", "убью ~ тебя")).find(fold(story))) == 1


def test_several_rules_may_match_the_same_words():
    story = "он угрожал ножом"
    found = ruled(("threat", "угрожал* ~3 ножом"), ("weapon", "нож*")).find(fold(story))
    assert sorted(spans(found, story)) == [("threat", "угрожал ножом"), ("weapon", "ножом")]


def test_a_plain_rule_set_reads_the_story_unfolded():
    """English lists run on the plain text: "boy" is not Kazakh "бойы" folded."""
    story = "оның бойы ұзын"
    assert ruled(("child", "boi*"), is_plain=True).find(fold(story)) == []
    assert ruled(("child", "boi*")).find(fold(story))


def test_find_rules_gives_source_offsets():
    story = "😢 Ол мені өлтіремін деді"
    found = find_rules(fold(story), ruled(("kill", "өлтір*")))
    assert spans(found, story) == [("kill", "өлтіремін")]


# --- The word lists ---------------------------------------------------------------------------


def test_a_list_line_needs_a_tab_between_rule_and_pattern():
    assert parse_rules(["threat\tубью тебя"]) == [("threat", "убью тебя")]
    with pytest.raises(ValueError, match="rule<TAB>pattern"):
        parse_rules(["threat убью тебя"])


def test_a_list_line_with_an_empty_pattern_is_an_error():
    with pytest.raises(ValueError):
        parse_rules(["threat\t   "])


def test_comments_and_blank_lines_are_not_list_lines(tmp_path, monkeypatch):
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "test.txt").write_text(
        "# a comment\n\nthreat\tубью\n   \n  # indented comment\nweapon\tнож\n", encoding="utf-8"
    )
    monkeypatch.setattr(text, "DATA", tmp_path)
    assert read_lines("ru", "test.txt") == ["threat\tубью", "weapon\tнож"]


def test_a_missing_list_is_empty():
    assert read_lines("en", "no-such-list.txt") == []


def test_rules_of_a_list_are_named_by_their_language():
    story = "Ол мені өлтіремін деді. He said he will kill me."
    names = {rule.split(": ")[0] for rule, _, _ in rules("danger.txt").find(fold(story))}
    assert names == {"kk", "en"}


def test_a_russian_list_finds_a_threat_typed_in_latin_letters():
    story = "On skazal: ub'yu tebya"
    assert spans(rules("danger.txt").find(fold(story)), story) == [
        ("ru: угроза убийством", "ub'yu tebya")
    ]


def test_word_set_entries_are_folded_so_either_script_finds_them():
    names = word_set("first_names.txt")  # the Kazakh list spells it "Айгерім"
    assert fold_word("Aigerim") in names and fold_word("АЙГЕРІМ") in names
    assert "Айгерім" not in names


# --- The words of a story ---------------------------------------------------------------------


def test_tokens_keep_their_offsets_into_the_story():
    story = "😢 Она сказала: он придёт"
    assert [(t.text, story[t.start : t.end]) for t in tokens(story)] == [
        ("Она", "Она"),
        ("сказала", "сказала"),
        ("он", "он"),
        ("придёт", "придёт"),
    ]


def test_a_token_carries_its_folded_spelling():
    assert [t.folded for t in tokens("Жәбір көрдім")] == ["zhabir", "kordim"]


def test_a_word_with_a_dotted_capital_i_folds_to_plain_letters():
    assert [t.folded for t in tokens("İnkar İİM")] == ["inkar", "im"]


def test_apostrophes_and_hyphens_inside_a_word_belong_to_it():
    assert [t.text for t in tokens("Don't go-home, sem'ya - 'quoted'")] == [
        "Don't",
        "go-home",
        "sem'ya",
        "quoted",
    ]


def test_numbers_and_underscores_are_not_words():
    assert [t.text for t in tokens("42 ok_x 7b")] == ["ok", "x", "b"]


@pytest.mark.parametrize(
    "story, starts",
    [
        ("Она ушла. Он остался", [True, False, True, False]),
        ("Она ушла! Он", [True, False, True]),
        ("Она сказала: «Он придёт»", [True, False, True, False]),
        ("Она\nОн", [True, True]),
        ("Она, Он", [True, False]),
        ("Сказала Арман", [True, False]),
    ],
)
def test_a_token_knows_whether_it_starts_a_sentence(story, starts):
    assert [t.sentence_start for t in tokens(story)] == starts


RULE_LISTS = sorted(
    {
        path.name
        for path in text.DATA.glob("*/*.txt")
        if path.name not in ("first_names.txt", "danger_words.txt", "places.txt")
    }
)


def test_every_list_read_with_the_others_finds_what_it_finds_alone():
    """rules() reads all its lists of a text in one pass (text.Reading): for every list, on
    stories of every language and script, in the order the screeners ask for them and in
    reverse, the hits are exactly those of the list read on its own."""
    from moderation.evaluation import load_cases

    alone = {name: text.list_rule_sets(name) for name in RULE_LISTS}
    stories = [case.text for case in load_cases()][::3]
    assert len(RULE_LISTS) >= 8 and len(stories) >= 50
    compared = found = 0
    for order in (RULE_LISTS, RULE_LISTS[::-1]):
        for story in stories:
            folded = fold(story)
            for name in order:
                expected = [hit for rule_set in alone[name] for hit in rule_set.find(folded)]
                assert rules(name).find(folded) == expected, (name, story[:60])
                compared += 1
                found += len(expected)
    assert found >= compared // 4  # the lists do find things in these stories


def test_lists_read_together_keep_their_own_rules_apart():
    """Two lists with a rule of the same name: a match of one does not hide the other's."""
    reading = text.Reading()
    first = ruled(("threat", "убью тебя"))
    second = ruled(("threat", "убью"), ("ending", "тебя"))
    for rule_set in (first, second):
        reading.add(rule_set)
    story = "Он сказал: убью тебя."
    assert spans(first.find(fold(story)), story) == [("threat", "убью тебя")]
    assert spans(second.find(fold(story)), story) == [("threat", "убью"), ("ending", "тебя")]
    assert first.shared[0] is second.shared[0] is reading
