import re

import pytest

from moderation.models import ScreeningWord, Severity
from moderation.presentation import finding_detail
from moderation.screeners import danger, danger_model
from moderation.screeners.text import fold_word
from moderation.screening import route


def kinds(text: str) -> set[str]:
    return {f.kind for f in danger.screen(text, "")}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A threat to her life, in all three languages and both scripts, inflected.
        ("He said he will kill me if I leave.", "threat"),
        ("Он сказал, что убьёт меня, если я уйду.", "threat"),
        ("Он грозился, что прибьёт, если я расскажу.", "threat"),
        ("On skazal chto ub'yet menya.", "threat"),
        ("Ол мені өлтіремін деді.", "threat"),
        ("Ol meni öltıremın dedı.", "threat"),
        # Self-harm and suicide.
        ("Sometimes I think about ending my life.", "self_harm"),
        ("Я больше не хочу жить.", "self_harm"),
        ("Ya dumayu o samoubiystve.", "self_harm"),
        ("Енді өмір сүргім келмейді.", "self_harm"),
        ("Keide ozimdi ozim oltirgim keledi.", "self_harm"),
        # A child at risk.
        ("He beats our son with a belt.", "child_at_risk"),
        ("Он избивает дочь, когда пьёт.", "child_at_risk"),
        ("Ол ұлымды белбеумен ұрады.", "child_at_risk"),
        # Nowhere to go tonight.
        ("Tonight I have nowhere to go.", "nowhere_to_go"),
        ("Сегодня мне негде ночевать.", "nowhere_to_go"),
        ("Бүгін түнде баратын жерім жоқ.", "nowhere_to_go"),
    ],
)
def test_danger_signs(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I killed time at the station, waiting for the last train.",
        "Я убивала время на вокзале и ждала электричку.",
        "Ол балалардың алдында мені ұрды, бірақ қазір біз қауіпсіз жердеміз.",
        "I left him two years ago and now I live with my sister in peace.",
        "Мы развелись, теперь у меня своя квартира и работа.",
    ],
)
def test_no_danger_where_there_is_none(text):
    assert kinds(text) == set()


def test_every_danger_finding_is_high_and_says_which_rule():
    (finding,) = danger.screen("Он сказал, что убьёт меня.", "ru")
    assert finding.severity == 3
    assert finding.detail.startswith("danger: ru: ")


def test_one_finding_where_rules_overlap():
    # "өлтір-" is also a threat stem: the self-harm rule names the finding.
    findings = danger.screen("Кейде өзімді-өзім өлтіргім келеді.", "kk")
    assert [f.kind for f in findings] == ["self_harm"]


# --- Generalisation: any inflection, either script, cue kinds combined per sentence ----------


@pytest.mark.parametrize(
    "word",
    # Forms of Russian lemmas in danger_words.txt that no list spells out: pymorphy3 expands
    # each lemma to all its forms, and folding lets the Latin-typed ones meet them.
    ["задушат", "задушившего", "изобьём", "избила", "zadushat", "izob'yom", "izobyom"],
)
def test_a_russian_lemma_stands_for_every_form_in_either_script(word):
    cues = danger.lexicon().cues(word, fold_word(word))
    assert cues & {"kill", "harm"}


def test_the_perfective_future_of_a_violence_verb_reads_as_a_threat():
    assert "future" in danger.lexicon().cues("изобьёт", fold_word("изобьёт"))
    assert "future" not in danger.lexicon().cues("избивал", fold_word("избивал"))
    assert kinds("Он изобьёт меня, если узнает, что я писала сюда.") == {"threat"}
    assert kinds("On izob'yot menya, esli uznaet.") == {"threat"}


@pytest.mark.parametrize(
    "word",
    # Kazakh stems take any suffix, in Cyrillic, the official Latin and ad-hoc Latin.
    ["қорқытып", "қорқытқан", "qorqytyp", "korkytkan", "мылтығын", "mıltyǵyn", "myltygyn"],
)
def test_a_kazakh_stem_takes_any_suffix_in_either_script(word):
    assert danger.lexicon().cues(word, fold_word(word)) & {"threat", "weapon"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A weapon kept or handled, in words no phrase lists.
        ("Он достал из шкафа ружьё и молча положил на стол.", "threat"),
        ("Ol mıltyǵyn maǵan qaratyp ustady.", "threat"),
        # Locked in.
        ("She says he locks me inside and takes my keys.", "threat"),
        ("Zapiraet menya doma i zabiraet telefon.", "threat"),
        # Being followed, he knows where she is.
        ("He follows me from the bus stop to my door.", "threat"),
        ("Он узнал, где я теперь живу.", "threat"),
        # Children taken away under a threat, a child locked up or left hungry.
        ("Ол балаларды алып кетемін деп қорқытты.", "child_at_risk"),
        ("Grozitsya zabrat' doch' i uvezti za granitsu.", "child_at_risk"),
        ("Дети не ели со вчерашнего утра.", "child_at_risk"),
        # Nowhere to sleep, thrown out at night.
        ("Бүгін түнеуге жеріміз жоқ.", "nowhere_to_go"),
        ("Nam s dochkoy negde perenochevat'.", "nowhere_to_go"),
        ("He kicked us out at night in the frost.", "nowhere_to_go"),
        # Ideation in plain and indirect words, pills gathered.
        ("Осы өмірден кетсем екен деп ойлаймын, кеткім келеді.", "self_harm"),
        ("Everyone would be better off if I were not around.", "self_harm"),
        ("Я потихоньку коплю таблетки.", "self_harm"),
        # Violence in pregnancy told over two sentences.
        ("I am pregnant again. Yesterday he punched me.", "threat"),
    ],
)
def test_cue_kinds_combine_into_danger(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # Long past and over.
        "Years ago he threatened me with a knife; he has been in prison since.",
        "Когда-то он душил меня, но это было в прошлом браке.",
        "Он он жыл бұрын мені ұрып-соққан, қазір біз бөлекпіз.",
        # Figures of speech.
        "The waiting was killing me, so I called my sister.",
        "Ya do smerti khotela uekhat' k moryu.",
        # Children and a promise, not a threat.
        "Мы с дочкой ходили на каток, было здорово.",
        # Not knowing where to turn is not being found.
        "Я не знала, куда мне обратиться за помощью.",
    ],
)
def test_no_danger_in_the_past_or_in_a_figure_of_speech(text):
    assert kinds(text) == set()


def test_a_promise_to_the_children_read_in_its_story_is_not_urgent():
    """Alone, "promised to take the kids" reads close to the custody threats the model learned
    (README: a known false alarm of a one-sentence story); in its story it is shown at most as
    possible danger, never urgent."""
    text = (
        "He promised to take the kids to the zoo next week. They have been waiting for it all "
        "month, and I am glad he keeps his word these days."
    )
    findings = danger.screen(text, "en")
    assert {f.kind for f in findings} <= {"model"}
    assert all(f.severity < Severity.HIGH for f in findings)


def test_what_is_past_still_counts_when_it_goes_on():
    assert kinds("Years ago he threatened me with a knife, and now he says it again.")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Danger said without a danger word (after the third held-out set; new sentences).
        ("Last night I cut my wrist again in the kitchen.", "self_harm"),
        ("Ночью снова порезала вену на руке.", "self_harm"),
        ("Tünde taǵy bilegimdi kestim.", "self_harm"),
        ("I sit on the bathroom floor most nights with a blade.", "self_harm"),
        ("I keep a razor in my bag and use it most nights.", "threat"),  # read as a weapon kept
        ("Я написала сестре записку на случай, если меня не станет.", "self_harm"),
        ("He says next time there will be no mercy.", "threat"),
        ("Келесі жолы аямаймын деді.", "threat"),
        ("Since he kicked me I have not felt the baby move.", "child_at_risk"),
        ("I am six months along and the baby has not moved since morning.", "threat"),
        ("Живот болит, и малыш не шевелится с утра.", "threat"),
        ("Every night his car waits by our door.", "threat"),
        ("Его брат передал, что я до весны не доживу.", "threat"),
        ("Брат оның «тірі қалдырмаймыз» депті.", "threat"),
        ("He swore I would not see my son again.", "child_at_risk"),
        ("Он обещал выкинуть сына из окна.", "child_at_risk"),
        ("Он ходит за мной каждый вечер.", "threat"),
    ],
)
def test_danger_said_without_a_danger_word(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "My new manager will be the death of me with these reports.",
        "We nearly died laughing at the wedding video.",
        "Мы чуть не умерли со смеху на концерте.",
        "Күлкіден өле жаздадық.",
        "Yesterday I watched a film where a man tries to kill his wife.",
        "Вчера смотрела фильм, где муж душит жену.",
        "Кеше кітап оқыдым, онда күйеуі әйелін өлтіреді.",
        "Three winters ago he pushed me down the stairs, and that spring I left him.",
    ],
)
def test_no_danger_in_idioms_films_and_what_is_over(text):
    assert kinds(text) == set()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Acts and gestures rather than words (after the fourth held-out set; new sentences).
        ("I found a GPS tracker under the seat of my car.", "threat"),
        ("Он поставил мне на телефон жучок и знает каждый мой шаг.", "threat"),
        ("Ол телефоныма бағдарлама орнатып қойыпты.", "threat"),
        ("At dinner he drew a finger across his throat and smiled.", "threat"),
        ("Он молча провёл пальцем по горлу.", "threat"),
        ("He dug a hole behind the shed and said it was for me.", "threat"),
        ("Он выкопал яму в саду и сказал, что это для меня.", "threat"),
        ("He keeps an axe next to where he sleeps.", "threat"),
        ("Опять режу руки, каждый раз глубже.", "self_harm"),
        ("Soon I will not be a burden to anyone.", "self_harm"),
        ("Не хочу больше быть обузой для мамы.", "self_harm"),
        ("Мен енді ешкімге ауыртпалық болмаймын.", "self_harm"),
        ("I wrote a letter to my sister: don't look for me.", "self_harm"),
    ],
)
def test_danger_in_acts_and_gestures(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "This heat is killing me, we sit with wet towels all day.",
        "My new shoes are killing me.",
        "Этот день меня просто убил, три отчёта подряд.",
        "I read in the news that a man in Taraz killed his wife.",
        "Жаңалықтан бір әйелді күйеуі өлтіргенін көрдім.",
    ],
)
def test_no_danger_in_more_idioms_news_and_songs(text):
    assert kinds(text) == set()


def test_the_model_finds_danger_no_rule_names_and_says_why():
    text = "Вчера он сказал, что я отсюда живой не выйду, и закрыл дверь на ключ."
    rules_alone = [f for f in danger.screen(text, "ru") if f.kind != "model"]
    assert rules_alone  # the rules know this one
    new = "He sent my mother a photo of our new flat. Under it he wrote: see you soon."
    assert not [f for f in danger.screen(new, "en") if f.kind != "model"]  # no rule names it
    (found,) = danger.screen(new, "en")
    assert found.kind == "model" and found.detail.startswith("danger: model: p=")
    assert new[found.start : found.end] == "Under it he wrote: see you soon."
    # The finding names the words by offsets, never copies them (invariant 5) ...
    assert not any(word in found.detail for word in ("wrote", "soon", "Under", "see"))
    # ... and the workspace shows them from the text.
    shown = finding_detail(found, new)
    words = shown.split("words that weighed most: ")[1]
    in_text = re.findall(r"\w+", new)
    assert words.count("«") >= 1 and all(w.strip("«» ") in in_text for w in words.split(","))


# --- Urgency is decided for the story as a whole ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # A threat to kill by an everyday person, with a condition or a laugh: a conditional
        # idiom (danger_readings), which no rule reads as a threat any more.
        "Моя сестра меня убьёт, когда увидит, что я сделала с её платьем, ахах. Лето у нас "
        "отличное, всю неделю были на даче.",
        "Апам мені өлтіреді, егер тағы да кешігіп келсем, ха-ха. Жалпы бәрі жақсы, демалысқа "
        "теңізге барамыз.",
        "My coach is going to kill me for skipping practice again lol. Otherwise a good week: "
        "I passed my exam and we celebrated with cake.",
    ],
)
def test_a_conditional_idiom_is_named_by_no_rule_and_does_not_make_the_story_urgent(text):
    findings = danger.screen(text, "")
    assert all(f.severity == Severity.MEDIUM for f in findings)  # possible danger at most
    assert not [f.detail for f in findings if f.kind != "model"]
    assert route(findings) == (False, False)
    assert any("cond_idiom" in s.cues for s in danger.read(text).sentences)


@pytest.mark.parametrize(
    "text",
    [
        "Ол бүгін тағы подъездің алдында тұр. Телефоныма хабарлама жазды: сен қайда екеніңді "
        "білемін. Балалар менімен бірге.",
        "Сегодня он забрал мой паспорт и телефон. Сказал, что к маме я больше не поеду. Я сижу "
        "в ванной и пишу это.",
        "He asked my brother which bus I take home. My brother told him. Now I am afraid to go "
        "back tonight.",
        "Segodnya on zabral moi pasport i telefon. Skazal, chto k mame ya bol'she ne poedu.",
        "Bugin ol taghy podezdtin aldynda tur. Sen qaida ekenindi bilemin dep zhazdy.",
    ],
)
def test_danger_told_in_a_story_makes_it_urgent_in_every_language_and_script(text):
    findings = danger.screen(text, "")
    assert route(findings)[1]
    high = [f for f in findings if f.severity == Severity.HIGH]
    assert high and all(0 <= f.start < f.end <= len(text) for f in high)


GUARDED = [
    ("Эти феминистки всё выдумывают ради грантов. А мой брат сказал, что убьёт меня.", "убьёт"),
    ("Бұл әйелдер бәрін ойдан шығарады. Ал ағам кеше мені өлтіремін деді.", "өлтіремін"),
    ("These feminists make it all up for grants. And my brother said he will kill me.", "kill"),
    ("Eti feministki vsyo vydumyvayut. A moi brat skazal, chto ub'yot menya.", "ub'yot"),
]


@pytest.mark.parametrize(("threat", "word"), GUARDED)
def test_a_rule_the_sentence_model_confirms_is_urgent_whatever_the_story_model_says(
    never_urgent_but, threat, word
):
    """Where the guard is kept, a story model trained on some hundred stories does not get to
    talk away a threat that a rule names and the sentence model reads as surely as a high
    finding; a rule it reads weakly (a figure of speech) is left to the story model."""
    never_urgent_but(guard=True)
    findings = danger.screen(threat, "")
    assert route(findings)[1]
    high = [f for f in findings if f.severity == Severity.HIGH]
    assert any(word in threat[f.start : f.end] for f in high)
    idiom = "My coach is going to kill me for skipping practice again lol."
    assert not route(danger.screen(idiom, "en"))[1]


@pytest.mark.parametrize(("threat", "word"), GUARDED)
def test_where_the_guard_is_dropped_the_story_model_decides(never_urgent_but, threat, word):
    """With no guard and no rule for a threat reported (test_danger_readings has that one)."""
    never_urgent_but(guard=False, reported_rule=False)
    assert not route(danger.screen(threat, ""))[1]


@pytest.mark.parametrize(("threat", "word"), GUARDED)
def test_a_threat_amid_hostile_text_is_urgent_as_shipped_in_every_language(threat, word):
    """As it ships (the guard dropped in Kazakh and Russian), the story model itself reads a
    plain threat after campaign tropes as urgent."""
    assert route(danger.screen(threat, ""))[1]


def judged(monkeypatch, urgent: bool, scores: tuple[float, ...]):
    monkeypatch.setattr(
        danger_model,
        "judge",
        lambda text, sentences: danger_model.Judgement(0.5, urgent, "ru", scores),
    )


def test_an_urgent_story_with_no_confident_sentence_is_carried_by_its_strongest(monkeypatch):
    text = "Мы переехали в новый район. Соседи тихие. Вечером он снова позвонил."
    judged(monkeypatch, True, (0.2, 0.1, 0.6))
    findings = danger.screen(text, "ru")
    (high,) = [f for f in findings if f.severity == Severity.HIGH]
    assert text[high.start : high.end] == "Вечером он снова позвонил."
    assert high.kind == "model" and high.detail == "danger: model: p=0.60" and high.highlights
    assert route(findings)[1]


def test_a_story_judged_calm_keeps_the_rules_findings_as_possible_danger(monkeypatch):
    text = "Он сказал, что убьёт меня."
    judged(monkeypatch, False, (0.9,))
    findings = danger.screen(text, "ru")
    assert [(f.detail, f.severity) for f in findings] == [
        ("danger: ru: угроза убийством", Severity.MEDIUM)
    ]
    assert route(findings) == (False, False)


def test_an_admins_danger_word_is_high_whatever_the_story_model_says(monkeypatch, settings):
    settings.SCREENING_WORDS_CHECK_SECONDS = 0
    ScreeningWord.objects.create(pattern="мимоз*", kind="danger", list="suspect")
    judged(monkeypatch, False, (0.1,))
    findings = danger.screen("Во дворе распустились мимозы.", "ru")
    assert [(f.detail, f.severity) for f in findings] == [
        ("danger: admin list: suspect: мимоз*", Severity.HIGH)
    ]


# --- After the tenth blind set: "N years ago" in Russian, "he doesn't know where" ----------------


@pytest.mark.parametrize(
    "text",
    [
        # Russian counts years before "назад" with года and год as well as лет, and puts the
        # number after лет when it is rough; all of them tell a past that is over.
        "Два года назад он гонялся за мной с ножом по двору.",
        "Год назад мне было некуда идти ночью.",
        "Лет пять назад он запирал меня в ванной и грозился убить.",
        "Dva goda nazad on gonyalsya za mnoy s nozhom.",
        "A year ago he locked me in the cellar for a night.",
    ],
)
def test_a_sentence_counted_in_years_ago_is_over(text):
    reading = danger.read(text)
    assert reading.hits == []
    assert all(sentence.quiet for sentence in reading.sentences)


def test_years_ago_with_now_again_is_still_danger():
    reading = danger.read("Два года назад он грозился убить меня, и вчера снова это повторил.")
    assert reading.hits
    assert not any(sentence.quiet for sentence in reading.sentences)


@pytest.mark.parametrize(
    "text",
    [
        "He doesn't know where we live now, and his sister says he has moved on.",
        "Он не знает, где мы сейчас живём.",
        "Ол біздің қайда тұратынымызды білмейді.",
    ],
)
def test_he_does_not_know_where_she_is_is_no_finding(text):
    assert not [rule for rule, _, _ in danger.read(text).hits if "knows where" in rule]


@pytest.mark.parametrize(
    "text", ["He knows where we live now.", "Он знает, где мы сейчас живём, и ждёт у подъезда."]
)
def test_he_knows_where_she_is_is_still_found(text):
    assert [rule for rule, _, _ in danger.read(text).hits if "knows where" in rule]


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        ("The doctors say my grandfather won't survive the operation.", False),
        ("I'm afraid she won't survive the winter in that hospital.", False),
        ("You won't survive the night, he wrote to me.", True),
        ("He said I will not live to see the court.", True),
    ],
)
def test_wont_survive_is_a_threat_to_you_or_me_not_an_illness(text, threat):
    """After the eleventh blind set: a mother with cancer "won't survive the winter"."""
    assert ("threat" in kinds(text)) is threat
