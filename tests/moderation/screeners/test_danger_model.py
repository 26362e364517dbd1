"""The danger screener's trained layer: scored in plain Python exactly as scikit-learn would,
derived from the labelled data (retraining reproduces the committed file), and never trained
on the newest blind held-out set, which `make eval` keeps as the honest measure."""

import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.management.commands import train_danger_model
from moderation.screeners import danger_model

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


def sklearn_vectorizer(raw: dict) -> TfidfVectorizer:
    vocabulary = {gram: i for i, (gram, _idf, _coef) in enumerate(raw["features"])}
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(raw["ngram_range"]),
        sublinear_tf=True,
        vocabulary=vocabulary,
    )
    vectorizer.idf_ = np.array([idf for _gram, idf, _coef in raw["features"]])
    return vectorizer


@pytest.mark.parametrize("sentence", SENTENCES)
def test_ngrams_are_scikit_learns_char_wb(sentence):
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    prepared = danger_model.prepare(sentence)
    assert sorted(danger_model.ngrams(prepared, (2, 5))) == sorted(analyzer(prepared))


def test_the_plain_python_score_is_scikit_learns():
    raw = saved()
    matrix = sklearn_vectorizer(raw).transform([danger_model.prepare(s) for s in SENTENCES])
    coef = np.array([c for _gram, _idf, c in raw["features"]])
    expected = 1 / (1 + np.exp(-(matrix @ coef + raw["intercept"])))
    ours = [danger_model.score(s) for s in SENTENCES]
    assert np.allclose(ours, expected, atol=1e-9)
    assert len({round(p, 3) for p in ours}) > 3  # the scores differ: the check can fail


def test_the_committed_model_is_what_the_data_trains(tmp_path, monkeypatch):
    """No hand-edited weights: retraining from tests/data gives the committed file."""
    monkeypatch.setattr(danger_model, "MODEL", tmp_path / "danger_model.json")
    call_command("train_danger_model", stdout=io.StringIO())
    retrained = json.loads((tmp_path / "danger_model.json").read_text(encoding="utf-8"))
    committed = saved()
    for key in ("trained_on", "ngram_range", "threshold", "urgent_threshold", "C"):
        assert retrained[key] == committed[key], key
    assert [f[0] for f in retrained["features"]] == [f[0] for f in committed["features"]]
    pairs = zip(retrained["features"], committed["features"], strict=True)
    drift = max(abs(a[2] - b[2]) for a, b in pairs)
    assert drift < 1e-3


def test_the_newest_blind_set_is_never_trained_on():
    newest = train_danger_model.held_out()
    assert newest == "screening_holdout6_"
    trained_on = saved()["trained_on"]
    assert trained_on and not any(name.startswith(newest) for name in trained_on)
    assert any(name.startswith("screening_holdout4_") for name in trained_on)


def test_a_confident_reading_is_urgent_and_a_weak_one_is_only_shown():
    raw = saved()
    assert raw["threshold"] <= raw["urgent_threshold"] <= 1.0
    strong = danger_model.at_risk("Он сказал, что убьёт меня и детей этой ночью.")
    assert strong and strong.urgent and strong.strongest
    assert danger_model.at_risk("Мы с подругой пили чай и смеялись.") is None
