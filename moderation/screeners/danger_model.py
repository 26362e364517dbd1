"""The danger screener's learned layer: sentences scored, then the story judged as a whole.

Word and cue lists found a third to two thirds of the danger in stories written blind (README,
"Screening"), and a sentence classifier alone made a quarter of the calm stories urgent on the
sixth blind set: urgency is a property of a story, not of its most alarming sentence. So two
levels, both trained by `python manage.py train_danger_model` with scikit-learn on tests/data/
and written to data/danger_model.json; a worker scores them here in plain Python, with no
scikit-learn and no download.

1. A sentence classifier (logistic regression) over four blocks of features, each TF-IDF
   (sublinear) and L2-normalised on its own: character n-grams (2 to 5, inside words), folded
   words (with the two words after a negation marked as negated) and word pairs, the danger
   lexicon's cue kinds of the sentence (`kill`, `child`, `future`, `past`...), their pairs and a
   few markers (negation, future and past words, a question, quoted speech, laughter, emoji),
   and Kazakh morphology (negation after and inside the verb, conditionals, the told past,
   stems) with laughter or a joke in any language. Folding makes Cyrillic and Latin spellings
   meet; cue kinds are shared by the three languages, so what one language taught reaches the
   others.
2. A story model (logistic regression over standardised story features): the strongest
   sentences' scores, how many sentences read as danger, whether a phrase or a cue combination
   fired and how the sentence model reads the sentence it fired on, how much of the story is
   told as past, a film retold, an idiom; and a second reading of the whole story's features
   at once, which carries the context no single sentence says ("he is outside the door. i
   turned off the light.": he is near, tonight, the children are with her), and laughter or a
   joke anywhere in it. Its probability against a threshold per language and script makes the
   story urgent; so does a rule's finding that the sentence model reads as surely as a high
   finding, in the languages where cross-validation kept that guard.

Thresholds and every choice are made by cross-validation on the training sets only (see the
command); the story thresholds are set between "at least 0.9 of danger stories urgent" and "at
most 0.15 of calm stories urgent" per language, drawn towards one shared value where a language
has few stories.
"""

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain

from moderation.screeners import danger_readings
from moderation.screeners.text import DATA, WORD, fold, fold_word

MODEL = DATA / "danger_model.json"
BLOCKS = ("char", "word", "cue", "morph")
SIZES = (2, 5)
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a story as the danger screener read it (danger.read)."""

    start: int
    end: int
    text: str  # what the model reads: the sentence, with idioms blanked out
    cues: frozenset[str]  # the danger lexicon's cue kinds found in it
    quiet: bool  # told as long past and over, or a retold film: never scored, never flagged
    phrase: bool = False  # a phrase of danger.txt matched in it
    combination: bool = False  # a cue combination (danger.COMBINATIONS) matched in it


# --- Features ---------------------------------------------------------------------------------


def prepare(sentence: str) -> str:
    """What the character n-grams read: the sentence folded (scripts meet) and lower-cased."""
    return fold(sentence).text.lower()


def ngrams(text: str, sizes: tuple[int, int] = SIZES) -> list[str]:
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


_NEGATIONS = frozenset(
    fold_word(word)
    for word in (
        "not no never nobody nothing don't dont didn't didnt won't wont can't cant cannot "
        "не ни нет никогда никто ничего емес жоқ ешқашан ешкім ешқайда"
    ).split()
)
_NEGATED = 2  # words after a negation that it covers: "не убьёт", "will not stop"
# Words of time, folded. Russian and Kazakh tense lives in endings too (below).
_FUTURE = frozenset(
    fold_word(word)
    for word in (
        "will gonna shall tomorrow tonight next soon until "
        "буду будет будешь будем будут завтра скоро следующий следующего сегодня "
        "ертең келесі бүгін әлі"
    ).split()
)
_PAST = frozenset(
    fold_word(word)
    for word in (
        "was were had ago used once "
        "был была было были раньше давно когда-то тогда прошлом "
        "бұрын кезде ертеде баяғыда"
    ).split()
)
# Kazakh first-person future (өлтіремін, барамын, кетемін) and past (ұрған, келген, кеттім).
_KAZAKH_FUTURE = ("amin", "emin", "imin", "amiz", "emiz", "asin", "esin")
_KAZAKH_PAST = ("gan", "gen", "kan", "ken", "dim", "tim")
_LAUGH = re.compile(r"\b(?:lol|lmao)\b|(?:ha){2,}|(?:ах){2,}|(?:ха){2,}|[😂😅😄🤣😆]", re.I)
_EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]")
_QUOTES = frozenset('"«»“”„')


@lru_cache(maxsize=65536)
def _word_grams(piece: str) -> tuple[str, ...]:
    return tuple(ngrams(fold_word(piece).lower()))


def char_features(text: str) -> list[str]:
    """ngrams(prepare(text)), a word at a time: folding never joins or splits words, and a
    word's n-grams are computed once per process."""
    return [gram for piece in text.split() for gram in _word_grams(piece)]


def words(text: str) -> list[str]:
    """The sentence's words, lower-cased and folded."""
    return [fold_word(match.group().lower()) for match in WORD.finditer(text)]


def word_features(text: str, folded: list[str] | None = None) -> list[str]:
    """Folded words, the two after a negation marked ("n_ubet"), and neighbouring pairs."""
    folded = words(text) if folded is None else folded
    out = []
    scope = 0
    for word in folded:
        if word in _NEGATIONS:
            out.append(f"w:{word}")
            scope = _NEGATED
            continue
        out.append(f"w:n_{word}" if scope else f"w:{word}")
        scope = max(0, scope - 1)
    out += [f"b:{a}_{b}" for a, b in zip(folded, folded[1:], strict=False)]
    return out


def cue_features(text: str, cues: frozenset[str], folded: list[str] | None = None) -> list[str]:
    """The sentence's cue kinds and their pairs, and markers of negation, tense and tone."""
    kinds = sorted(cues)
    out = [f"c:{kind}" for kind in kinds]
    out += [f"p:{a}+{b}" for i, a in enumerate(kinds) for b in kinds[i + 1 :]]
    folded = words(text) if folded is None else folded
    present = set(folded)
    low = text.lower()
    markers = (
        ("neg", bool(present & _NEGATIONS)),
        ("fut", bool(present & _FUTURE) or "'ll" in low or "’ll" in low),
        ("past", bool(present & _PAST)),
        ("kkfut", any(len(w) >= 5 and w.endswith(_KAZAKH_FUTURE) for w in folded)),
        ("kkpast", any(len(w) >= 5 and w.endswith(_KAZAKH_PAST) for w in folded)),
        ("q", "?" in text),
        ("quote", any(char in _QUOTES for char in text)),
        ("laugh", bool(_LAUGH.search(text))),
        ("emoji", bool(_EMOJI.search(text))),
        ("bang", "!!" in text),
    )
    return out + [f"m:{name}" for name, present in markers if present]


# --- Kazakh morphology and tone ---------------------------------------------------------------
# Kazakh says "not" after the verb or inside it (өлтірмейді "will not kill", ұрған емес "has
# not beaten"), tells the past it is over with in its own forms (ұратын еді "used to beat",
# дейтін "used to say", жүріпті "was seen, they say"), and threatens with a conditional
# (жаппасаңдар "if you do not close it"). The word block's negation looks forward, as Russian
# and English put it; this block reads Kazakh's, on folded words so both scripts meet, and
# gives each Kazakh word its stem with the endings taken off (a lemma pymorphy3 cannot give).
_KK_POST_NEGATION = frozenset(
    fold_word(w) for w in "емес емеспін емессің емеспіз жоқ жоқпын ешқашан".split()
)
_KK_NEGATIVE = re.compile(
    r"^(..+?)[mbp][ae](?:idi|imin|imiz|isin|isiz|isinder|itin|di|dim|dik|din|diniz|gan|gen|"
    r"sa|se|san|sen|sam|sem|sak|sek|sandar|sender|sanizdar|i|u)$"
)
_KK_CONDITIONAL = re.compile(r"^(..+?)s[ae](?:m|n|k|niz|ndar|nder|nizdar|nizder)?$")
_KK_WAS = frozenset(fold_word(w) for w in "еді едім едік едің едіңіз едіңдер екен".split())
_KK_HABITUAL = re.compile(r"^..+[aei]tin$")  # ұратын, дейтін: "used to", or "to go" (баратын)
_KK_REPORTED = re.compile(r"^..+pti$")  # кетіпті, жүріпті: heard, not seen
_KK_ENDINGS = tuple(
    sorted(
        {
            fold_word(e)
            for e in (
                "мын мін пын пін бын бін сың сің мыз міз пыз піз сыз сіз ңыз ңіз ды ді ты ті "
                "ған ген қан кен атын етін йтын йтін ып іп п а е й ма ме ба бе па пе май мей "
                "са се сам сем саң сең сақ сек лар лер дар дер тар тер ның нің дың дің тың тің "
                "ға ге қа ке на не ны ні ды ді ты ті да де та те нда нде дан ден тан тен нан нен "
                "мен бен пен ым ім м ың ің ң сы сі ы і у ю ла ле"
            ).split()
        },
        key=len,
        reverse=True,
    )
)
_KK_SCRIPT = frozenset(("kk", "latin"))
# "To die of" something, Kazakh's figure of speech: ыстықтан өлдік "we died of the heat",
# күлкіден өле жаздадым "I nearly died laughing", күліп өлдім; a noun in the ablative or a
# converb, then a form of өл- ("die"; not өлтір-, "kill", nor ол "he").
_KK_ABLATIVE = re.compile(r"^..+(?:tan|ten|dan|den|nan|nen)$")
_KK_CONVERB = re.compile(r"^..+p$")
_KK_DIE = re.compile(r"^ol(?:di|dim|dik|din|e|esin|emin|emiz|edi|ip|gen|gim|mei|sem)\w*$")
_JOKE = re.compile(
    r"\){2,}|[😂🤣😅😆🙈😁😄😜]|\bкүл(?:іп|дім|дік|ем|кі|еді|ді|ген|гім|діріп)|\bkül(?:ip|dim|em|ki)"
    r"|әзіл|äzil|\bшут|\bшуч|смеш|смея|смех|прикол|\bjok(?:e|ed|es|ing)\b|kidding|laugh",
    re.I,
)


@lru_cache(maxsize=65536)
def kazakh_stem(word: str) -> str:
    """A folded Kazakh word with its endings taken off, at most three, keeping three letters:
    өлтіремін, öltiremin and oltiremin meet at "oltir"; қамап, қамады at "kama"."""
    for _ in range(3):
        for ending in _KK_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                break
        else:
            break
    return word


def morph_features(text: str, folded: list[str] | None = None) -> list[str]:
    """Kazakh negation (after the verb and inside it), conditionals, the told past, "dying of"
    something, stems; and laughter or a joke in any language ("))", "әзілдеп", "шучу")."""
    out = ["k:joke"] if _JOKE.search(text) else []
    if script_group(text) not in _KK_SCRIPT:
        return out
    folded = words(text) if folded is None else folded
    for i, word in enumerate(folded):
        if len(word) < 3:
            continue
        stem = kazakh_stem(word)
        if word in _KK_POST_NEGATION:
            out.append("k:postneg")
            if i:
                out.append(f"k:n_{kazakh_stem(folded[i - 1])}")
            continue
        if word in _KK_WAS:
            out.append("k:was")
            if i and _KK_HABITUAL.match(folded[i - 1]):
                out.append("k:used_to")
            continue
        negative = _KK_NEGATIVE.match(word)
        if negative and len(word) >= 5:
            out += ["k:neg", f"k:n_{kazakh_stem(negative.group(1))}"]
            if word.endswith(("sa", "se", "san", "sen", "sak", "sek", "sandar", "sender")):
                out.append("k:if_not")
            continue
        out.append(f"k:s_{stem}")
        if i and _KK_DIE.match(word) and not word.startswith("oltir"):
            before = folded[i - 1]
            if _KK_ABLATIVE.match(before) or _KK_CONVERB.match(before):
                out.append("k:die_of")
        if _KK_CONDITIONAL.match(word) and len(word) >= 5:
            out.append("k:if")
        if _KK_HABITUAL.match(word):
            out.append("k:atin")
        if _KK_REPORTED.match(word):
            out.append("k:reported")
    return out


def features(text: str, cues: frozenset[str]) -> dict[str, list[str]]:
    """Every feature of a sentence, per block (the trainer reads exactly these)."""
    folded = words(text)
    return {
        "char": char_features(text),
        "word": word_features(text, folded),
        "cue": cue_features(text, cues, folded),
        "morph": morph_features(text, folded),
    }


# What the story model reads, in this order (story_features computes them).
STORY_FEATURES = (
    "strongest sentence",
    "the two strongest sentences",
    "sentences read as danger",
    "a phrase matched",
    "a cue combination matched",
    "the model on the strongest sentence a rule flagged",
    "sentences a rule flagged",
    "sentences",
    "share of sentences told as past",
    "a film or book retold",
    "an idiom",
    "the whole story read at once",
    "laughter or a joke",
    # Readings of a sentence alone (danger_readings), after the eighth and ninth blind sets.
    "a threat reported",
    "a conditional idiom",
    "a campaign trope",
    # After the twelfth blind set: she says she is safe now, or he is serving a sentence
    # (danger_readings.safe_now, danger_readings.jailed).
    "the danger said to be over",
)
_RULED = STORY_FEATURES.index("the model on the strongest sentence a rule flagged")
_CLIP = 6.0  # logits beyond this say nothing more, and a lone sentence is no outlier


def _clip(z: float) -> float:
    return max(-_CLIP, min(_CLIP, z))


def story_features(
    sentences: Sequence[Sentence], logits: Sequence[float | None], story_logit: float
) -> list[float]:
    """The story model's inputs: sentence scores (None for a quiet sentence), the rules'
    findings and whether the model agrees with them, the past, and the whole story's reading.
    Each is defined for a story of one sentence as for one of twenty."""
    live = [(s, z) for s, z in zip(sentences, logits, strict=True) if z is not None]
    ranked = sorted((_clip(z) for _, z in live), reverse=True) or [-_CLIP]
    ruled = [z for s, z in live if s.phrase or s.combination]
    cues = frozenset().union(*(s.cues for s in sentences)) if sentences else frozenset()
    return [
        ranked[0],
        sum(ranked[:2]) / len(ranked[:2]),
        math.log1p(sum(z > 0 for z in ranked)),
        float(any(s.phrase for s, _ in live)),
        float(any(s.combination for s, _ in live)),
        _sigmoid(max(ruled)) if ruled else 0.0,
        math.log1p(len(ruled)),
        math.log(len(sentences) + 1),
        sum("past" in s.cues for s in sentences) / max(len(sentences), 1),
        float("fiction" in cues),
        float("idiom" in cues),
        _clip(story_logit),
        float(any(_JOKE.search(s.text) for s in sentences)),
        float(any("reported" in s.cues for s, _ in live)),
        float(any("cond_idiom" in s.cues for s, _ in live)),
        float(any("trope" in s.cues for s in sentences)),
        float(any(s.cues & {"safe", "jailed"} for s, _ in live)),
    ]


def reported_threat(sentences: Sequence[Sentence]) -> bool:
    """A threat to kill reported as said or written (danger_readings), in a sentence not told as
    past and over, in a story that retells no film or news: urgent whatever else it says."""
    if any("fiction" in s.cues for s in sentences):  # a film retold: its threats are not hers
        return False
    # A story the writer tells laughing ("Funny story...", "lol", "😂"): the story model decides,
    # as it reads the threat reported too (after the eleventh blind set, where a husband's
    # "going to kill me if I bring home one more plant" was made urgent by this rule alone, the
    # story model 0.17). His laugh is no joke ("he laughed and said"): that keeps the rule.
    if any(danger_readings.told_as_joke(s.text) for s in sentences):
        return False
    return any("reported" in s.cues and not s.quiet for s in sentences)


def in_whole_story(sentence: Sentence, learned_without_tropes: bool) -> bool:
    """Whether the whole story's reading adds this sentence: never a quiet one, and not a
    campaign trope's where the model was trained so (a trope says nothing of her danger)."""
    return not sentence.quiet and not (learned_without_tropes and "trope" in sentence.cues)


_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_CYRILLIC_WORD = re.compile(r"[а-яёәғқңөұүһі]+")
_LATIN = re.compile(r"[a-z]")
_ENGLISH = frozenset(
    "the and he my was is of that she you with for but have from this it in me we not his her "
    "at be said they".split()
)


def script_group(text: str) -> str:
    """Which threshold a story gets: kk or ru in Cyrillic, en, or "latin" (Kazakh or Russian
    typed in Latin letters). Read from the text itself, not from the language screener, which
    takes Latin-typed Kazakh and Russian for English."""
    low = text.lower()
    if len(_CYRILLIC.findall(low)) >= len(_LATIN.findall(low)):
        cyrillic = _CYRILLIC_WORD.findall(low)
        if not cyrillic:
            return "other"
        # Nearly half of Kazakh words have a letter Russian lacks; a Russian story quoting a
        # Kazakh word or two ("әже") has a few in a hundred.
        kazakh = sum(bool(_KAZAKH_LETTERS.search(word)) for word in cyrillic)
        return "kk" if kazakh / len(cyrillic) >= 0.25 else "ru"
    latin_words = re.findall(r"[a-z']+", low)
    english = sum(word in _ENGLISH for word in latin_words) / max(len(latin_words), 1)
    return "en" if english >= 0.08 else "latin"


# --- The trained model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    # block: feature: (idf, coefficient in the sentence model, in the whole-story reading, ...)
    blocks: dict[str, dict[str, tuple[float, ...]]]
    sentence_intercept: float
    story_text_intercept: float
    story_mean: tuple[float, ...]
    story_scale: tuple[float, ...]
    story_coef: tuple[float, ...]
    story_intercept: float
    threshold: float  # from here a sentence is shown as possible danger
    urgent: float  # in an urgent story, from here a sentence's finding is high
    story_thresholds: dict[str, float]  # per script_group: from here the story is urgent
    # Per script_group: whether a rule's finding the sentence model confirms makes the story
    # urgent whatever the story model says (chosen by cross-validation, per language).
    guard: dict[str, bool] = field(default_factory=dict)
    # A threat reported (danger_readings) makes the story urgent; the whole story's reading
    # leaves a campaign trope's sentences out.
    reported_rule: bool = False
    whole_without_tropes: bool = False
    # A word's n-grams the model knows, kept once per process (bounded in _known_grams).
    known_grams: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)


@cache
def model() -> Model | None:
    if not MODEL.exists():
        return None
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    story = raw["story_model"]
    return Model(
        blocks={
            # (idf, coefficients) and, for _dot, idf squared and times each coefficient
            name: {f: (idf, a, b, idf * idf, idf * a, idf * b) for f, idf, a, b in rows}
            for name, rows in raw["blocks"].items()
        },
        sentence_intercept=raw["sentence_intercept"],
        story_text_intercept=raw["story_text_intercept"],
        story_mean=tuple(story["mean"]),
        story_scale=tuple(story["scale"]),
        story_coef=tuple(story["coef"]),
        story_intercept=story["intercept"],
        threshold=raw["threshold"],
        urgent=raw["urgent_threshold"],
        story_thresholds=raw["story_thresholds"],
        guard=raw.get("guard", {}),
        reported_rule=raw.get("reported_rule", False),
        whole_without_tropes=raw.get("whole_without_tropes", False),
    )


Counts = dict[str, dict[str, int]]


def counts(text: str, cues: frozenset[str], learned: Model) -> Counts:
    """How often each known feature occurs in the sentence, per block."""
    return _known(features(text, cues), learned)


_KNOWN_WORDS = 65536


def _known_grams(piece: str, learned: Model) -> list[str]:
    grams = learned.known_grams.get(piece)
    if grams is None:
        if len(learned.known_grams) >= _KNOWN_WORDS:
            learned.known_grams.clear()
        known = learned.blocks["char"]
        grams = learned.known_grams[piece] = [g for g in _word_grams(piece) if g in known]
    return grams


def _known_features(sentence: Sentence, learned: Model) -> dict[str, list[str]]:
    """features(), keeping only what the model knows (all that counts: scikit-learn's
    transform drops the rest before it normalises), a word's n-grams looked up once."""
    folded = words(sentence.text)
    word, cue = learned.blocks["word"], learned.blocks["cue"]
    found = {
        "char": [g for piece in sentence.text.split() for g in _known_grams(piece, learned)],
        "word": [f for f in word_features(sentence.text, folded) if f in word],
        "cue": [f for f in cue_features(sentence.text, sentence.cues, folded) if f in cue],
    }
    if "morph" in learned.blocks:
        morph = learned.blocks["morph"]
        found["morph"] = [f for f in morph_features(sentence.text, folded) if f in morph]
    return found


def _known(found: dict[str, list[str]], learned: Model) -> Counts:
    out: Counts = {}
    for name, listed in found.items():
        known = learned.blocks.get(name)
        if known is None:  # a block this model was trained without
            continue
        out[name] = {f: c for f, c in Counter(listed).items() if f in known}
    return out


def _linear(counted: Counts, learned: Model, column: int) -> tuple[float, dict]:
    """Each block TF-IDF (sublinear) and L2-normalised on its own, as scikit-learn's
    TfidfVectorizer does, then weighed by the sentence model (column 1) or the whole-story
    reading (column 2). Returns the sum and each (block, feature)'s part."""
    parts = {}
    for name, block in counted.items():
        weights = learned.blocks[name]
        values = {f: (1 + math.log(c)) * weights[f][0] for f, c in block.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        for feature, value in values.items():
            parts[(name, feature)] = value / norm * weights[feature][column]
    return sum(parts.values()), parts


def _dot(counted: Counts, learned: Model, column: int) -> float:
    """_linear's sum alone, without keeping the parts: what scoring needs, faster."""
    product = column + 3
    total = 0.0
    for name, block in counted.items():
        weights = learned.blocks[name]
        squares = dot = 0.0
        for feature, count in block.items():
            weight = weights[feature]
            if count == 1:  # most features of a sentence
                squares += weight[3]
                dot += weight[product]
            else:
                tf = 1 + math.log(count)
                squares += tf * tf * weight[3]
                dot += tf * weight[product]
        if squares:
            total += dot / math.sqrt(squares)
    return total


def sentence_logit(counted: Counts, learned: Model) -> float:
    return learned.sentence_intercept + _dot(counted, learned, 1)


def story_text_logit(counted: Sequence[Counts], learned: Model) -> float:
    """The whole story read at once: its sentences' features added up."""
    total: Counts = {name: {} for name in learned.blocks}
    for sentence in counted:
        for name, block in sentence.items():
            into = total[name]
            for feature, count in block.items():
                into[feature] = into.get(feature, 0) + count
    return learned.story_text_intercept + _dot(total, learned, 2)


def story_probability(values: Sequence[float], learned: Model) -> float:
    z = learned.story_intercept + sum(
        (v - m) / s * c
        for v, m, s, c in zip(
            values, learned.story_mean, learned.story_scale, learned.story_coef, strict=True
        )
    )
    return _sigmoid(z)


def _sigmoid(z: float) -> float:
    if z < -60:
        return 0.0
    return 1 / (1 + math.exp(-z))


def score(text: str, cues: frozenset[str] = frozenset()) -> float:
    """The probability that a sentence carries danger (0 with no model)."""
    learned = model()
    if learned is None:
        return 0.0
    return _sigmoid(sentence_logit(counts(text, cues, learned), learned))


def whole_story_logit(
    sentences: Sequence[Sentence], found: Sequence[dict[str, list[str]] | None], learned: Model
) -> float:
    """The whole story read at once: the known features of its sentences added up, quiet ones
    and (as the model was trained) a campaign trope's left out."""
    read = [
        f
        for f, s in zip(found, sentences, strict=True)
        if f is not None and in_whole_story(s, learned.whole_without_tropes)
    ]
    whole = {name: Counter(chain.from_iterable(f[name] for f in read)) for name in learned.blocks}
    return learned.story_text_intercept + _dot(whole, learned, 2)


@dataclass(frozen=True)
class Judgement:
    probability: float  # the story model's: that the story needs to be read first
    urgent: bool
    group: str
    sentences: tuple[float | None, ...]  # each sentence's probability (None: quiet, not read)


def judge(text: str, sentences: Sequence[Sentence]) -> Judgement | None:
    """The story as a whole: urgent or not, and each sentence's score. None with no model."""
    learned = model()
    if learned is None:
        return None
    found = [None if s.quiet else _known_features(s, learned) for s in sentences]
    logits = [
        None if f is None else sentence_logit({n: Counter(v) for n, v in f.items()}, learned)
        for f in found
    ]
    story_logit = whole_story_logit(sentences, found, learned)
    values = story_features(sentences, logits, story_logit)
    probability = story_probability(values, learned)
    group = script_group(text)
    threshold = learned.story_thresholds.get(group, learned.story_thresholds["other"])
    # A rule's finding that the sentence model reads as surely as a high finding is urgent
    # whatever the rest of the story says: a model trained on some hundred stories does not
    # get to talk away a confirmed threat. Kept per language where cross-validation showed it
    # finds danger at least as often as it raises a false alarm (in Kazakh it found none and
    # made calm stories urgent: a threat quoted in a joke, or one a father used to make).
    confirmed = values[_RULED] >= learned.urgent and learned.guard.get(group, True)
    reported = learned.reported_rule and reported_threat(sentences)
    return Judgement(
        probability,
        probability >= threshold or confirmed or reported,
        group,
        tuple(None if z is None else _sigmoid(z) for z in logits),
    )


_WORD = re.compile(r"[^\s.,;:!?«»\"'()—-]{3,}")


def strongest_words(sentence: Sentence) -> list[tuple[int, int]]:
    """Where the sentence's words are whose features pushed its score up most: offsets into the
    sentence, so the finding keeps no copy of her words (the workspace shows them)."""
    learned = model()
    if learned is None:
        return []
    counted = counts(sentence.text, sentence.cues, learned)
    _, parts = _linear(counted, learned, 1)
    chars, known_words = counted["char"], counted["word"]
    pushes: dict[tuple[int, int], float] = {}
    for match in _WORD.finditer(sentence.text):
        push = sum(
            parts[("char", g)] / chars[g] for g in ngrams(prepare(match.group())) if g in chars
        )
        for feature in word_features(match.group()):
            for key in (feature, feature.replace("w:", "w:n_", 1)):
                if key in known_words:
                    push += parts[("word", key)] / known_words[key]
        if push > 0:
            pushes[match.span()] = push
    return sorted(pushes, key=pushes.get, reverse=True)[:3]
