"""The danger screener's learned layer: a sentence classifier trained on the labelled stories.

Word and cue lists found a third to two thirds of the danger in stories written blind (README,
"Screening"): survivors say it in more ways than a list foresees. This layer is a logistic
regression over character n-grams (2 to 5 characters inside word boundaries, TF-IDF), which
meet Russian and Kazakh inflection and both scripts (the text is folded first) without a list.
`python manage.py train_danger_model` trains it with scikit-learn on tests/data/ (every set but
the newest blind one, which stays the measure) and writes data/danger_model.json: the n-grams,
their weights and the threshold chosen by cross-validation. Scoring here is plain Python, so a
worker needs no scikit-learn and no model download.
"""

import json
import math
import re
from dataclasses import dataclass
from functools import cache

from moderation.screeners.text import DATA, fold

MODEL = DATA / "danger_model.json"
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Model:
    weights: dict[str, tuple[float, float]]  # n-gram: (idf, coefficient)
    intercept: float
    threshold: float  # from here a sentence is shown as possible danger
    urgent: float  # from here it makes the story urgent (cross-validated precision >= 0.8)
    sizes: tuple[int, int]


@cache
def model() -> Model | None:
    if not MODEL.exists():
        return None
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    weights = {gram: (idf, coef) for gram, idf, coef in raw["features"]}
    return Model(
        weights,
        raw["intercept"],
        raw["threshold"],
        raw["urgent_threshold"],
        tuple(raw["ngram_range"]),
    )


def prepare(sentence: str) -> str:
    """What the model reads: the sentence folded (scripts meet) and lower-cased."""
    return fold(sentence).text.lower()


def ngrams(text: str, sizes: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, exactly as scikit-learn's `char_wb`."""
    grams = []
    low, high = sizes
    for word in _SPACES.sub(" ", text).split():
        word = f" {word} "
        length = len(word)
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(word[offset : offset + n])
            if offset == 0:  # the word is shorter than n: one n-gram, the whole word
                break
    return grams


def _weigh(sentence: str, learned: Model):
    counts: dict[str, int] = {}
    for gram in ngrams(prepare(sentence), learned.sizes):
        if gram in learned.weights:
            counts[gram] = counts.get(gram, 0) + 1
    values = {g: (1 + math.log(c)) * learned.weights[g][0] for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    parts = {g: v / norm * learned.weights[g][1] for g, v in values.items()}
    z = learned.intercept + sum(parts.values())
    return 1 / (1 + math.exp(-z)), parts, counts


def score(sentence: str) -> float:
    """The probability that the sentence carries danger (0 with no model)."""
    learned = model()
    return _weigh(sentence, learned)[0] if learned else 0.0


_WORD = re.compile(r"[^\s.,;:!?«»\"'()—-]{3,}")


def _strongest_words(sentence, parts, counts, sizes) -> list[tuple[int, int]]:
    """Where the sentence's words are whose n-grams pushed the score up most: offsets, so the
    finding keeps no copy of her words (the workspace shows them from the text)."""
    pushes: dict[tuple[int, int], float] = {}
    for word in _WORD.finditer(sentence):
        grams = ngrams(prepare(word.group()), sizes)
        push = sum(parts.get(g, 0.0) / counts[g] for g in grams if g in counts)
        if push > 0:
            pushes[word.span()] = push
    return sorted(pushes, key=pushes.get, reverse=True)[:3]


@dataclass(frozen=True)
class Risk:
    probability: float
    strongest: list[tuple[int, int]]  # offsets into the sentence of the words that weighed most
    urgent: bool


def at_risk(sentence: str) -> Risk | None:
    """How the model reads a sentence over its threshold; None under it (or with no model)."""
    learned = model()
    if learned is None:
        return None
    probability, parts, counts = _weigh(sentence, learned)
    if probability < learned.threshold:
        return None
    strongest = _strongest_words(sentence, parts, counts, learned.sizes)
    return Risk(probability, strongest, probability >= learned.urgent)
