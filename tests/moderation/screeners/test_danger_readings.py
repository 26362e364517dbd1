"""Readings of one sentence that do not depend on its neighbours (danger_readings): a
conditional idiom lowers a sentence's danger, a threat reported raises the story's, a campaign
trope is read as such. New sentences, in kk, ru, en and Latin script, none from tests/data."""

from dataclasses import replace

import pytest

from moderation.screeners import danger, danger_model
from moderation.screening import route


def cues(text: str) -> set[str]:
    return set().union(*(s.cues for s in danger.read(text).sentences))


def rule_findings(text: str) -> list:
    return [f for f in danger.screen(text, "") if f.kind != "model"]


CONDITIONAL_IDIOMS = [
    "Мама меня убьёт, если я опять приду после полуночи.",
    "Начальница нас прибьёт, если отчёт не будет готов к обеду.",
    "Mama menya ub'yot, esli uznaet pro dvoiku.",
    "Анам мені өлтіреді, егер көйлегін тағы кисем.",
    "Бастығым бізді өлтіреді, егер жоба кешіксе.",
    "Anam meni öltiredi, eger keshigip kelsem.",
    "My mom will kill me if I forget her birthday cake again.",
    "The coach is going to kill us if we lose on Saturday.",
    "My mother-in-law will kill me when she sees the burnt carpet.",
]


@pytest.mark.parametrize("text", CONDITIONAL_IDIOMS)
def test_a_conditional_idiom_is_read_as_one_and_no_rule_fires_on_it(text):
    found = cues(text)
    assert "cond_idiom" in found and "reported" not in found
    assert rule_findings(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "He said he will kill me if I leave.",  # a condition, but said by him
        "Он сказал, что убьёт меня, если я уйду.",
        "Күйеуім кетсең өлтіремін деді.",
        "Kuieuim ketsen oltiremin dedi.",
    ],
)
def test_a_threat_with_a_condition_by_the_man_who_harms_her_is_no_idiom(text):
    found = cues(text)
    assert "cond_idiom" not in found and "reported" in found
    assert rule_findings(text)


REPORTED = [
    ("Вчера муж сказал, что задушит меня во сне.", "ru"),
    ("Бывший написал мне, что убьёт меня, как только найдёт.", "ru"),
    ("Vchera muzh skazal, chto ub'yot menya.", "latin"),
    ("Күйеуім кеше түнде өлтіремін деді.", "kk"),
    ("Ол мені өлтіретінін айтты.", "kk"),
    ("Kuieuim keshe oltiremin dep qorqytty.", "latin"),
    ("My husband told me he would kill me tonight.", "en"),
    ("He texted that he will kill you if you testify.", "en"),
]


@pytest.mark.parametrize(("text", "group"), REPORTED)
def test_a_threat_reported_is_read_in_the_sentence_alone(text, group):
    assert "reported" in cues(text)
    assert danger_model.script_group(text) == group


@pytest.mark.parametrize(("text", "group"), REPORTED)
def test_a_threat_reported_makes_the_story_urgent_whatever_the_story_model_says(
    never_urgent_but, text, group
):
    story = "Эти гранты и феминистки разрушают наши семьи. Всё враньё. " + text
    never_urgent_but(reported_rule=True)
    assert route(danger.screen(story, ""))[1]
    never_urgent_but(reported_rule=False)
    assert not route(danger.screen(story, ""))[1]  # the rule is what made it urgent


@pytest.mark.parametrize(
    "text",
    [
        # In a joke, by an everyday person, told as then, or in a film retold.
        "Муж сказал «ещё раз купишь этот сыр, убью», и мы оба хохотали.",
        "Husband said he'd kill me if I ate his chocolate again lol.",
        "Сестра сказала, что убьёт меня за испорченную кофту.",
        "Тогда он обещал меня найти и убить, но это было давно.",
        "Вчера смотрели фильм. Там муж сказал жене, что убьёт её.",
        "Keshe serial kordik, onda agasy oltiremin dep aiqaiady.",
    ],
)
def test_no_threat_reported_in_a_joke_an_idiom_the_past_or_a_film(text):
    sentences = danger.read(text).sentences
    assert not danger_model.reported_threat(sentences)


@pytest.mark.parametrize(
    "text",
    [
        "Феминистки и их гранты разрушают семьи.",
        "Feministki vrut radi grantov.",
        "Бұл феминисткалар батыстың гранттарымен өмір сүреді.",
        "These feminists and their NGOs are liars.",
    ],
)
def test_a_campaign_trope_is_read_in_every_language_and_script(text):
    assert "trope" in cues(text)
    values = danger_model.story_features(danger.read(text).sentences, [0.0], 0.0)
    assert values[danger_model.STORY_FEATURES.index("a campaign trope")] == 1.0


def whole(text: str, learned) -> float:
    sentences = danger.read(text).sentences
    found = [None if s.quiet else danger_model._known_features(s, learned) for s in sentences]
    return danger_model.whole_story_logit(sentences, found, learned)


def test_the_whole_story_reading_leaves_a_campaign_tropes_sentences_out():
    threat = "А мой муж сказал, что убьёт меня."
    story = "Феминистки врут ради грантов и разрушают семьи. " + threat
    learned = danger_model.model()
    without, with_tropes = (
        replace(learned, whole_without_tropes=True),
        replace(learned, whole_without_tropes=False),
    )
    assert whole(story, without) == pytest.approx(whole(threat, without), abs=1e-12)
    assert whole(story, with_tropes) != pytest.approx(whole(threat, with_tropes), abs=1e-6)


def test_an_idiom_is_kept_as_a_cue_of_its_sentence():
    (sentence,) = danger.read("Our new landlord will be the death of me, honestly.").sentences
    assert "idiom" in sentence.cues
    values = danger_model.story_features([sentence], [0.0], 0.0)
    assert values[danger_model.STORY_FEATURES.index("an idiom")] == 1.0


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("Tomorrow he will take our son to the swimming pool.", False),
        ("She took the children for a walk by the river.", False),
        ("He will take the kids and I will never see them again.", True),
        ("He said he would take the children to his parents and keep them.", True),
    ],
)
def test_children_taken_somewhere_are_not_taken_away(text, taken):
    found = cues(text)
    assert ("take" in found) is taken
    assert ("outing" in found) is not taken


@pytest.mark.parametrize(
    "text",
    [
        "Его мать передала от него: если я не вернусь через неделю, он меня убьёт.",
        "His mother relayed his words: if I do not come back, he will kill me.",
        "Енесі хабарласып, ұлының сөзін жеткізді: қайтпасаң, өлтіремін дейді.",
    ],
)
def test_a_threat_passed_on_by_his_mother_is_no_conditional_idiom(text):
    """The mother is the messenger here, not the one who threatens (after the tenth blind set)."""
    assert "cond_idiom" not in cues(text)
    assert rule_findings(text)


# --- After the eleventh blind set -------------------------------------------------------------


def quiet(text: str) -> list[bool]:
    return [s.quiet for s in danger.read(text).sentences]


@pytest.mark.parametrize(
    "text",
    [
        # A season or a year gone by, in each language and script.
        "Last winter he threw me out into the snow with the baby.",
        "Last summer he held a knife to my throat.",
        "В прошлом году он угрожал меня зарезать.",
        "Прошлой зимой он выгнал нас с детьми на улицу.",
        "Былтыр ол мені өлтіремін деп қорқытты.",
        "Byltyr ol meni oltiremin dep qorqytty.",
        # A harmer who has died threatens no one.
        "My late husband beat me and promised to kill me.",
        "Покойный отец грозился убить маму.",
        "Марқұм күйеуім мені өлтіремін деп қорқытатын.",
    ],
)
def test_a_season_or_year_gone_by_and_a_harmer_who_died_are_past(text):
    assert "past" in cues(text)
    assert quiet(text) == [True]
    assert not rule_findings(text)
    assert not danger_model.reported_threat(danger.read(text).sentences)


@pytest.mark.parametrize(
    "text",
    [
        "Last night he said he would kill me.",  # last night is now
        "Since last year he has threatened to kill me every week.",  # and goes on
    ],
)
def test_a_past_that_goes_on_or_last_night_is_not_over(text):
    assert quiet(text) == [False]
    assert rule_findings(text)
    assert danger_model.reported_threat(danger.read(text).sentences)


def test_a_season_gone_by_still_counts_when_it_goes_on():
    assert quiet("Last winter he beat me, and he still says he will kill me.") == [False]
    assert rule_findings("Last winter he beat me, and he still says he will kill me.")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Он не бьёт меня и не угрожает, просто молчит.", "harm"),
        ("Он не бьёт меня и не угрожает, просто молчит.", "threat"),
        ("He doesn't hit me, he just shouts.", "harm"),
        ("He has never hit me.", "harm"),
        ("Ol meni eshqashan urgan joq.", "harm"),
    ],
)
def test_harm_or_a_threat_said_not_to_happen_is_no_cue(text, cue):
    assert cue not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "He never hit me, but he hits the children.",
        "Ол мені ұрған жоқ, бірақ балаларды ұрады.",
        "Он не бьёт меня, но бьёт детей.",
    ],
)
def test_harm_said_of_someone_else_in_the_same_sentence_still_counts(text):
    assert "harm" in cues(text)
    assert rule_findings(text)


def test_a_negated_harm_is_no_violence_against_a_child():
    assert not rule_findings("Он не бьёт и не угрожает, но рядом с ним я как ребёнок.")


@pytest.mark.parametrize(
    "text",
    [
        "Haha, if he leaves the dishes one more time I will kill him.",
        "Я его убью за эти носки, честное слово 😂",
        "Оны өлтіремін, шұлығын тағы шашып тастапты 😂",
        "My auntie will kill me if I miss the toi again.",
    ],
)
def test_her_own_joking_threat_and_an_aunts_are_figures_of_speech(text):
    assert "cond_idiom" in cues(text)
    assert not rule_findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "If he touches my daughter again I will kill him.",  # no joke: the rules read it
        "He came to my aunt's house and told them to pass on that he will kill me if I stay.",
    ],
)
def test_no_figure_of_speech_without_a_joke_or_when_the_aunt_passes_a_threat_on(text):
    assert "cond_idiom" not in cues(text)
    assert rule_findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "Funny story. My husband says he'll kill me if I buy one more pair of shoes.",
        "Мой муж сказал, что убьёт меня, если я ещё раз куплю цветы. Вот такая у нас любовь 😂",
        "Kuieuim oltiremin dedi, eger tagy bir gul satyp alsam. Hahaha.",
    ],
)
def test_a_story_told_laughing_leaves_a_threat_reported_to_the_story_model(never_urgent_but, text):
    assert "reported" in cues(text)
    assert not danger_model.reported_threat(danger.read(text).sentences)
    never_urgent_but(reported_rule=True)
    assert not route(danger.screen(text, ""))[1]


@pytest.mark.parametrize(
    "text",
    [
        "He laughed. He said he will kill me tonight.",  # his laugh, not hers
        "Смешно сказать, но мне страшно. Он сказал, что убьёт меня.",
    ],
)
def test_his_laugh_or_the_word_funny_keeps_the_rule_for_a_threat_reported(never_urgent_but, text):
    assert danger_model.reported_threat(danger.read(text).sentences)
    never_urgent_but(reported_rule=True)
    assert route(danger.screen(text, ""))[1]


# After the twelfth blind set: she says she is safe now (danger_readings.safe_now).
SAFE_NOW = [
    "It took two years, but we are safe now.",
    "I'm finally safe, and my son laughs again.",
    "I am not scared anymore.",
    "Теперь мы с сыном в безопасности.",
    "Я больше не боюсь выходить во двор.",
    "Ya teper' v bezopasnosti.",
    "Қазір мен балаларыммен қауіпсізбін.",
    "Endi qoryqpaimyn, jumysqa ozim baramyn.",
    "Qazir biz qauipsizbiz.",
]


def said_to_be_over(text: str) -> bool:
    """The story feature the safe and jailed readings give."""
    values = danger_model.story_features(danger.read(text).sentences, [0.0], 0.0)
    return values[danger_model.STORY_FEATURES.index("the danger said to be over")] == 1.0


@pytest.mark.parametrize("text", SAFE_NOW)
def test_she_says_she_is_safe_now_in_every_language_and_script(text):
    assert "safe" in cues(text) and said_to_be_over(text)


@pytest.mark.parametrize(
    "text",
    [
        "I am not safe in this flat.",
        "I don't feel safe at home any more.",
        "We are safe for now, he is at his brother's.",
        "I'm safe now, but he found my new address yesterday.",
        "Am I safe here?",
        "Она говорит, что я в безопасности, но он звонит каждую ночь.",
        "Мы не в безопасности.",
        "Біз әзірге қауіпсізбіз, бірақ ол іздеп жүр.",
        "Мен қауіпсіз емеспін.",
        "My sister is safe now.",  # not said of herself
        "He said I was safe with him.",
    ],
)
def test_safe_denied_for_now_asked_with_a_but_or_of_someone_else_is_not_safe_now(text):
    assert "safe" not in cues(text)


def test_a_threat_next_to_safe_now_still_reads_as_one():
    text = "We are safe now. Yesterday he wrote that he will kill me."
    assert "reported" in cues(text)
    assert [f for f in danger.screen(text, "") if f.kind != "model"]


@pytest.mark.parametrize(
    "text",
    [
        "In May my ex-husband got eleven years.",
        "He was sentenced to 7 years and he is still in prison.",
        "Ему дали шесть лет, он сидит в колонии под Карагандой.",
        "Бұрынғы күйеуім бес жылға сотталды.",
        "Ol ali turmede.",
    ],
)
def test_a_harmer_serving_a_sentence_is_the_danger_said_to_be_over(text):
    assert "jailed" in cues(text) and said_to_be_over(text)


@pytest.mark.parametrize(
    "text",
    [
        "He got 5 years but he is released next week.",
        "He was sentenced to three years, but his brothers still call me.",
        "Мужа посадили на 10 суток, завтра он выйдет.",
        "Из тюрьмы он написал, что ему дали восемь лет из-за меня и он найдёт меня.",
        "Күйеуім келесі аптада түрмеден шығады.",
        "Qairat turmeden bosap shygypty.",
    ],
)
def test_a_sentence_ending_soon_or_written_from_prison_is_not_over(text):
    assert "jailed" not in cues(text)
