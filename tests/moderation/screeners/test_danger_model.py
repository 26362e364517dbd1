"""The danger screener's trained layers: scored in plain Python exactly as scikit-learn would,
derived from the labelled data (retraining reproduces the committed file), and never trained on
a blind held-out set, which `make eval` keeps as the honest measure."""

import io
import json
import math

import numpy as np
import pytest
import scipy.sparse as sp
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.evaluation import DATA
from moderation.management.commands import train_danger_model
from moderation.screeners import danger, danger_model
from moderation.screeners.text import fold_word

SENTENCES = [
    "He said that next time he will not stop.",
    "Он сказал, что я отсюда живой не выйду.",
    "Ол мені өлтіремін деп қорқытты.",
    "Ol meni oltiremin dep qorqytty.",
    "We went to the park with the children.",
    "a  b   longword, x",
]


def saved() -> dict:
    return json.loads(danger_model.MODEL.read_text(encoding="utf-8"))


def read(text: str) -> list[danger_model.Sentence]:
    return danger.read(text).sentences


def sklearn_matrix(raw: dict, documents: list[dict[str, list[str]]], column: int):
    """The blocks as scikit-learn's TfidfVectorizer transforms them, and their weights."""
    mats, coef = [], []
    for name in danger_model.BLOCKS:
        rows = raw["blocks"][name]
        vectorizer = TfidfVectorizer(
            analyzer=lambda d: d,
            sublinear_tf=True,
            vocabulary={row[0]: i for i, row in enumerate(rows)},
        )
        vectorizer.idf_ = np.array([row[1] for row in rows])
        mats.append(vectorizer.transform([d[name] for d in documents]))
        coef += [row[column] for row in rows]
    return sp.hstack(mats).tocsr(), np.array(coef)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_ngrams_are_scikit_learns_char_wb(sentence):
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    prepared = danger_model.prepare(sentence)
    assert sorted(danger_model.ngrams(prepared, (2, 5))) == sorted(analyzer(prepared))


def test_the_plain_python_sentence_score_is_scikit_learns():
    raw = saved()
    learned = danger_model.model()
    sentences = [s for text in SENTENCES for s in read(text)]
    documents = [danger_model.features(s.text, s.cues) for s in sentences]
    matrix, coef = sklearn_matrix(raw, documents, column=2)
    expected = matrix @ coef + raw["sentence_intercept"]
    ours = [danger_model.sentence_logit(danger_model.counts(s.text, s.cues, learned), learned)
            for s in sentences]  # fmt: skip
    assert np.allclose(ours, expected, atol=1e-9)
    assert len({round(z, 2) for z in ours}) > 3  # the scores differ: the check can fail


def test_judging_a_story_scores_each_sentence_as_the_checked_score_does():
    """judge() keeps only the features the model knows, a word's n-grams cached: the same
    numbers as score(), which the test above checks against scikit-learn."""
    story = " ".join(SENTENCES) + " Ол бүгін тағы есіктің алдында тұр!"
    sentences = read(story)
    judged = danger_model.judge(story, sentences)
    expected = [danger_model.score(s.text, s.cues) for s in sentences]
    assert np.allclose(judged.sentences, expected, atol=1e-12)
    assert danger_model.judge(story, sentences) == judged  # and the cache changes nothing


def test_the_whole_story_reading_adds_up_its_sentences_as_scikit_learn_would():
    raw = saved()
    learned = danger_model.model()
    story = " ".join(SENTENCES)
    sentences = read(story)
    documents = [danger_model.features(s.text, s.cues) for s in sentences]
    joined = {name: [f for d in documents for f in d[name]] for name in danger_model.BLOCKS}
    matrix, coef = sklearn_matrix(raw, [joined], column=3)
    counted = [danger_model.counts(s.text, s.cues, learned) for s in sentences]
    ours = danger_model.story_text_logit(counted, learned)
    expected = (matrix @ coef)[0] + raw["story_text_intercept"]
    assert math.isclose(ours, expected, abs_tol=1e-9)
    assert abs(ours) > 0.01  # not a trivial zero


def test_the_committed_model_is_what_the_data_trains(tmp_path):
    """No hand-edited weights: retraining from tests/data gives the committed file."""
    committed = saved()
    output = tmp_path / "danger_model.json"
    call_command("train_danger_model", no_compare=True, output=str(output), stdout=io.StringIO())
    retrained = json.loads(output.read_text(encoding="utf-8"))
    for key in (
        "trained_on",
        "threshold",
        "urgent_threshold",
        "story_thresholds",
        "guard",
        "C",
    ):
        assert retrained[key] == committed[key], key
    for name in danger_model.BLOCKS:
        ours, theirs = retrained["blocks"][name], committed["blocks"][name]
        assert [f[0] for f in ours] == [f[0] for f in theirs], name
        drift = max(abs(a[2] - b[2]) + abs(a[3] - b[3]) for a, b in zip(ours, theirs, strict=True))
        assert drift < 1e-3
    story, shipped = retrained["story_model"], committed["story_model"]
    assert story["features"] == shipped["features"] == list(danger_model.STORY_FEATURES)
    assert max(abs(a - b) for a, b in zip(story["coef"], shipped["coef"], strict=True)) < 1e-3


def held_out_sets(tmp_path, *numbers: int):
    for name in ["screening_eval_en.txt"] + [
        f"screening_holdout{n if n > 1 else ''}_{lang}.txt"
        for n in numbers
        for lang in ("en", "kk")
    ]:
        (tmp_path / name).write_text("", encoding="utf-8")
    return tmp_path


def test_a_held_out_set_newer_than_every_set_the_model_trained_on_is_never_trained_on(tmp_path):
    data = held_out_sets(tmp_path, 1, 5, 6, 7)
    trained_on = ["screening_eval_en.txt", "screening_holdout6_en.txt", "screening_holdout_en.txt"]
    assert train_danger_model.blind_sets(data, trained_on) == ["screening_holdout7_"]
    names = [p.name for p in train_danger_model.training_files(data, trained_on)]
    assert "screening_holdout6_kk.txt" in names and "screening_holdout_en.txt" in names
    assert not [name for name in names if name.startswith("screening_holdout7_")]


def test_a_blind_set_is_trained_on_only_when_named(tmp_path):
    data = held_out_sets(tmp_path, 6, 7, 8)
    trained_on = ["screening_holdout6_en.txt"]
    assert train_danger_model.blind_sets(data, trained_on) == [
        "screening_holdout7_",
        "screening_holdout8_",
    ]
    names = [
        p.name
        for p in train_danger_model.training_files(data, trained_on, ("screening_holdout7_",))
    ]
    assert "screening_holdout7_en.txt" in names
    assert not [name for name in names if name.startswith("screening_holdout8_")]


def test_with_no_model_yet_the_newest_held_out_set_stays_blind(tmp_path):
    data = held_out_sets(tmp_path, 2, 3)
    assert train_danger_model.blind_sets(data, []) == ["screening_holdout3_"]


def test_the_shipped_model_trained_on_every_set_but_the_blind_ones():
    trained_on = saved()["trained_on"]
    blind = train_danger_model.blind_sets()
    present = sorted(p.name for p in DATA.glob("screening_*.txt"))
    assert trained_on == [p for p in present if not any(p.startswith(b) for b in blind)]
    # Sets 6 to 12 were each measured once untouched, then trained on (sets 8 and 9 after the
    # readings of README's "A threat reported, a conditional idiom", set 10 after "Years ago,
    # counted", set 11 after "Last winter, a joke, a late father", set 12 after "Safe now, a
    # sentence served"); a set 13 stays out.
    assert "screening_holdout6_ru.txt" in trained_on
    for number in (7, 8, 9, 10, 11, 12):
        assert {f"screening_holdout{number}_{lang}.txt" for lang in ("kk", "ru", "en")} <= set(
            trained_on
        )
    assert not [b for b in blind if int(b.removeprefix("screening_holdout").strip("_")) <= 12]
    assert not [name for name in trained_on if name.startswith("screening_holdout13_")]


def test_a_set_13_written_after_this_model_stays_blind(tmp_path):
    """Whatever set 13 holds, the shipped model's trained_on keeps it out of every retraining
    until it has been measured and is named with --use."""
    data = held_out_sets(tmp_path, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13)
    trained_on = saved()["trained_on"]
    assert train_danger_model.blind_sets(data, trained_on) == ["screening_holdout13_"]
    names = [p.name for p in train_danger_model.training_files(data, trained_on)]
    assert "screening_holdout12_kk.txt" in names
    assert not [name for name in names if name.startswith("screening_holdout13_")]
    with_13 = [*trained_on, "screening_holdout13_kk.txt"]
    assert train_danger_model.blind_sets(data, with_13) == []


def test_make_eval_lists_every_held_out_set_by_its_prefix():
    from moderation.management.commands.screening_eval import SETS

    prefixes = [prefix for _, prefix in SETS]
    for number in range(1, 14):
        prefix = f"screening_holdout{number if number > 1 else ''}_"
        assert prefix in prefixes, prefix
        title = next(title for title, p in SETS if p == prefix)
        assert title.startswith(f"held-out set {number} "), title
    assert len(set(prefixes)) == len(prefixes)


@pytest.mark.parametrize(
    ("name", "labelled_set"),
    [
        ("screening_holdout8_kk.txt", "screening_holdout8"),
        ("screening_holdout_en.txt", "screening_holdout"),
        ("screening_eval_ru_3.txt", "screening_eval_3"),
        ("screening_eval_en.txt", "screening_eval"),
    ],
)
def test_a_files_labelled_set_is_its_name_without_the_language(name, labelled_set):
    assert train_danger_model.set_of(name) == labelled_set


def test_thresholds_per_language_and_script_are_ordered_and_complete():
    raw = saved()
    assert raw["threshold"] <= raw["urgent_threshold"] <= 1.0
    assert set(raw["story_thresholds"]) == {"kk", "ru", "en", "latin", "other"}
    assert set(raw["guard"]) == set(raw["story_thresholds"])
    assert all(isinstance(kept, bool) for kept in raw["guard"].values())
    assert all(0 < t < 1 for t in raw["story_thresholds"].values())


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Ол кеше түнде есікті қағып, мені шақырды.", "kk"),
        ("Вчера ночью он стучал в дверь и звал меня.", "ru"),
        ("Вчера әжем позвонила и сказала, что он опять приходил.", "ru"),  # one Kazakh word
        ("Last night he knocked on the door and called my name.", "en"),
        ("Keshe tunde esikti qagyp, meni shaqyrdy.", "latin"),
        ("Vchera noch'yu on stuchal v dver' i zval menya.", "latin"),
        ("12345 !!!", "other"),
    ],
)
def test_the_threshold_follows_the_language_and_script_of_the_text(text, group):
    assert danger_model.script_group(text) == group


def test_two_words_after_a_negation_are_read_as_negated():
    features = danger_model.word_features("Он не тронет детей, обещал")
    assert "w:n_tronet" in features and "w:n_detei" in features
    assert "w:obeshal" in features  # the third word is itself again
    assert "w:tronet" not in danger_model.word_features("Он не тронет детей")


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("He'll come back tonight.", "m:fut"),
        ("Завтра он вернётся.", "m:fut"),
        ("That was years ago, when I was a student.", "m:past"),
        ("Ол сені өлтіремін деді.", "m:kkfut"),
        ("Бұрын ол мені ұрған.", "m:kkpast"),
        ("Он никогда не поднимал руку.", "m:neg"),
        ("He said «you will see».", "m:quote"),
        ("Начальник меня прибьёт, ахахах", "m:laugh"),
    ],
)
def test_negation_tense_and_tone_are_marked(text, marker):
    assert marker in danger_model.cue_features(text, frozenset())


def test_every_story_feature_is_defined_for_a_single_sentence():
    (sentence,) = read("Он сказал, что убьёт меня.")
    values = danger_model.story_features([sentence], [2.0], 1.0)
    assert len(values) == len(danger_model.STORY_FEATURES)
    assert values[0] == values[1] == 2.0  # one sentence is both of the two strongest


# --- Kazakh morphology and tone ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scripts", "expected"),
    [
        # "He will not kill": the negation is inside the verb, in each script.
        (("Ол өлтірмейді.", "Ol öltirmeidi.", "Ol oltirmeidi."), {"k:neg", "k:n_oltir"}),
        # "He has never raised his hand": the negation comes after the verb.
        (("Ол қол көтерген емес.", "Ol qol kötergen emes.", "Ol kol kotergen emes."),
         {"k:postneg", "k:n_koter"}),
        # "If you do not close it": a negative conditional, the shape of a threat.
        (("Жаппасаңдар, келеміз.", "Jappasañdar, kelemiz.", "Zhappasandar, kelemiz."),
         {"k:neg", "k:if_not"}),
        # "He used to say": told as a past that is over.
        (("Ол айтатын еді.", "Ol aitatyn edi.", "Ol aitatin edi."), {"k:was", "k:used_to"}),
    ],
)  # fmt: skip
def test_kazakh_negation_and_tense_are_read_alike_in_every_script(scripts, expected):
    read = [set(danger_model.morph_features(text)) for text in scripts]
    assert all(expected <= features for features in read), read
    assert read[0] == read[1] == read[2]


@pytest.mark.parametrize(
    ("text", "idiom"),
    [
        ("Ыстықтан өлдік қой бүгін.", True),  # "we died of the heat"
        ("ystyqtan oldik goi bugin", True),
        ("Күлкіден өле жаздадым.", True),  # "I nearly died laughing"
        ("Men külip öldim.", True),
        ("Ол мені өлтіремін деді.", False),  # "kill", not "die"
        ("Ол келіп, ол кетті.", False),  # ол, "he"
        ("Әжем былтыр өлді.", False),  # a death told plainly, not a figure of speech
    ],
)
def test_kazakhs_dying_of_something_is_marked_as_a_figure_of_speech(text, idiom):
    assert ("k:die_of" in danger_model.morph_features(text)) is idiom


@pytest.mark.parametrize(
    "text",
    [
        "Он не тронет детей, он обещал.",
        "He names the games we play at home.",
        "Она сказала, что купит хлеб.",
    ],
)
def test_kazakh_morphology_is_not_read_into_russian_or_english(text):
    assert danger_model.morph_features(text) == []


@pytest.mark.parametrize(
    ("text", "joke"),
    [
        ("Енем мені өлтіреді дейді))", True),
        ("Бастығым «басыңды аламын» деді, әрине әзілдеп.", True),
        ("Начальник сказал, что уволит, шучу конечно.", True),
        ("He said he'd kill me, just joking 😂", True),
        ("Men külip öldim.", True),
        ("Ол есікті қағып тұр, құлыпты бұрап жатыр.", False),  # құлып, a lock: not laughter
        ("Он сказал, что убьёт меня.", False),
    ],
)
def test_laughter_and_jokes_are_marked_in_every_language(text, joke):
    assert ("k:joke" in danger_model.morph_features(text)) is joke
    (sentence,) = danger.read(text).sentences
    values = danger_model.story_features([sentence], [0.0], 0.0)
    assert values[danger_model.STORY_FEATURES.index("laughter or a joke")] == float(joke)


@given(st.text(alphabet="abdegiklmnoprstuzh", min_size=0, max_size=14))
def test_a_kazakh_stem_is_a_prefix_of_at_least_three_letters(word):
    stem = danger_model.kazakh_stem(word)
    assert word.startswith(stem)
    assert len(stem) >= min(3, len(word))


def test_kazakh_stems_meet_across_endings_and_scripts():
    forms = ["өлтіремін", "öltiremin", "oltiremin", "өлтіреді", "өлтірген"]
    assert {danger_model.kazakh_stem(fold_word(word)) for word in forms} == {"oltir"}


# --- The guard, kept per language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lifted_danger", "lifted_calm", "kept"),
    [(0, 0, True), (1, 0, True), (2, 2, True), (1, 2, False), (0, 3, False), (3, 1, True)],
)
def test_the_guard_is_kept_in_a_language_only_where_it_found_danger_as_often_as_calm(
    lifted_danger, lifted_calm, kept
):
    """Out of fold: stories under the story threshold with a confirmed rule (the guard lifts
    them) in Kazakh, against the same in English where the guard always helps."""
    under, confirmed, y, groups = [], [], [], []
    for group, danger_n, calm_n in (("kk", lifted_danger, lifted_calm), ("en", 2, 0)):
        for is_danger, n in ((True, danger_n), (False, calm_n)):
            under += [True] * n + [True, False]  # plus one the guard does not lift, one above
            confirmed += [True] * n + [False, True]
            y += [is_danger] * (n + 2)
            groups += [group] * (n + 2)
    guard = train_danger_model.guard_groups(
        np.array(under), np.array(confirmed), np.array(y), np.array(groups)
    )
    assert guard["kk"] is kept
    assert guard["en"] is True and guard["other"] is True
    assert set(guard) == {*train_danger_model.GROUPS, "other"}


def test_each_of_the_newest_held_out_sets_is_left_out_in_turn():
    files = [
        "screening_eval_kk.txt",
        "screening_holdout_kk.txt",
        "screening_holdout5_kk.txt",
        "screening_holdout6_ru.txt",
        "screening_holdout6_kk.txt",
        "screening_holdout7_en.txt",
        "screening_holdout8_ru.txt",
        "screening_holdout8_en.txt",
    ]
    data = train_danger_model.Data(
        files=files,
        languages=["kk"] * len(files),
        latin=[False] * len(files),
        groups=["kk"] * len(files),
        danger=[True, False] * 4,
        sentences=[[] for _ in files],
    )
    numbers, splits = train_danger_model.Trainer(data).newest_set_splits(4)
    assert numbers == [5, 6, 7, 8]  # the tuned sets (eval, 1) are never the estimate
    for number, (train, test) in zip(numbers, splits, strict=True):
        prefix = f"screening_holdout{number}_"
        assert {files[i] for i in test} == {f for f in files if f.startswith(prefix)}
        assert sorted([*train, *test]) == list(range(len(files)))


@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=2, max_size=60),
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=60),
    st.sampled_from([0.10, 0.15]),
)
def test_a_story_threshold_keeps_the_danger_target_first_then_the_calm_one(danger_p, calm_p, aim):
    """Danger first: the threshold keeps RECALL_TARGET of the danger stories urgent; where that
    leaves room, it also keeps at most `aim` of the calm ones urgent."""
    p = np.array(danger_p + calm_p)
    y = np.array([True] * len(danger_p) + [False] * len(calm_p))
    threshold = train_danger_model._between(p, y, aim)
    danger_kept = (p[y] >= threshold).mean()
    assert danger_kept >= train_danger_model.RECALL_TARGET - 1e-9
    calm = np.sort(p[~y])
    allowed = int(math.floor(aim * len(calm) + 1e-9))
    if calm[len(calm) - allowed - 1] < threshold:  # room for both targets
        assert (p[~y] >= threshold).mean() <= aim + 1e-9


def test_aiming_lower_on_calm_stories_never_lowers_a_threshold():
    rng = np.random.default_rng(0)
    for _ in range(200):
        p = rng.random(80)
        y = rng.random(80) < 0.5
        groups = rng.choice(["kk", "ru", "en", "latin"], 80)
        if not y.any() or y.all():
            continue
        wide = train_danger_model.story_thresholds(p, y, groups, True, 0.15)
        narrow = train_danger_model.story_thresholds(p, y, groups, True, 0.10)
        assert all(narrow[g] >= wide[g] - 1e-9 for g in wide)
