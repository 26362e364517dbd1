"""Folding: one rough Latin spelling for Kazakh and Russian in either script, with offsets kept.

Survivors write Kazakh in Cyrillic, in the official Latin alphabet and in ad-hoc Latin
("oltiremin", "zherim zhok"); Russian is often typed in Latin letters ("ub'yet menya").
Every word list is folded with the same function as the story, so "убьёт", "ub'yot" and
"ubyot" meet in the middle, and one list per language covers both scripts. `Folded.source`
maps a span of the folded text back to code-point offsets of the original.
"""

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("kk", "ru", "en")

_CHARS = {
    # Cyrillic (Russian and Kazakh)
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Latin: Kazakh's official letters and common stand-ins
    "ä": "a", "á": "a", "ğ": "g", "ǵ": "g", "ı": "i", "ñ": "n", "ń": "n", "ö": "o", "ó": "o",
    "ş": "sh", "ū": "u", "ú": "u", "ü": "u", "ç": "ch", "q": "k", "j": "zh", "y": "i",
    "x": "h", "w": "u", "'": "", "’": "", "`": "", "ʼ": "",
}  # fmt: skip
# Spellings of one sound that differ between scripts and habits, after the letters above.
_SEQUENCES = [("kh", "h"), ("shch", "sh"), ("sch", "sh"), ("ie", "e"), ("ii", "i"), ("gh", "g")]
_SEQUENCE_RE = re.compile("|".join(re.escape(a) for a, _ in _SEQUENCES))
_SEQUENCE_TO = dict(_SEQUENCES)


@dataclass(frozen=True)
class Folded:
    text: str
    starts: tuple[int, ...]  # for each folded character, where its source begins
    ends: tuple[int, ...]  # and where it ends
    original: str = ""

    def source(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.starts[start], self.starts[start]
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=8)
def fold(text: str) -> Folded:
    """Folded once per text: every screener of a story shares it."""
    return _fold(text)


def _fold(text: str) -> Folded:
    lowered = text.lower()
    if len(lowered) != len(text):
        # "İ" lowers to two code points (i and a dot above), which would shift every offset
        # after it and split the word: letter by letter, its first code point only.
        lowered = "".join(char.lower()[:1] for char in text)
    pieces = [_CHARS.get(char, char) for char in lowered]
    folded = "".join(pieces)
    # One character for one (lengths alone can even out: ь drops a letter where я adds one).
    if len(pieces) == len(text) and all(len(piece) == 1 for piece in pieces):
        starts = list(range(len(text)))
    else:
        starts = [index for index, piece in enumerate(pieces) for _ in piece]
    ends = [index + 1 for index in starts]
    if not _SEQUENCE_RE.search(folded):
        return Folded(folded, tuple(starts), tuple(ends), text)
    text2: list[str] = []
    starts2: list[int] = []
    ends2: list[int] = []
    position = 0
    for match in _SEQUENCE_RE.finditer(folded):
        text2.append(folded[position : match.start()])
        starts2.extend(starts[position : match.start()])
        ends2.extend(ends[position : match.start()])
        replacement = _SEQUENCE_TO[match.group()]
        text2.append(replacement)
        starts2.extend([starts[match.start()]] * len(replacement))
        ends2.extend([ends[match.end() - 1]] * len(replacement))
        position = match.end()
    text2.append(folded[position:])
    starts2.extend(starts[position:])
    ends2.extend(ends[position:])
    return Folded("".join(text2), tuple(starts2), tuple(ends2), text)


_APOSTROPHES = frozenset("'’`ʼ")


@lru_cache(maxsize=8)
def plain(text: str) -> Folded:
    """Lower case and no apostrophes, nothing else: English needs no folding, and folding it
    would make English words meet Kazakh or Russian ones ("die" and "де", "boy" and "бойы")."""
    return _plain(text)


def _plain(text: str) -> Folded:
    pieces = ["" if char in _APOSTROPHES else char.lower()[:1] for char in text]
    starts = [index for index, piece in enumerate(pieces) for _ in piece]
    return Folded("".join(pieces), tuple(starts), tuple(i + 1 for i in starts), text)


# Words are folded once each, outside the texts' caches (a story's new words would otherwise
# push the story itself out of them), in caches bounded like the vocabulary of a language.
@lru_cache(maxsize=1 << 16)
def plain_word(word: str) -> str:
    return _plain(word).text


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    return _fold(word).text


# --- Phrase patterns -------------------------------------------------------------------------
# A list line is `rule<TAB>pattern`. A pattern is words separated by spaces; `a/b` are
# alternatives; `a+b` is a two-word alternative; a trailing `*` matches any ending
# (inflection); `~` lets up to 3 words stand between two words (`~5`: up to 5); `#` is a
# number. Words are folded like the story.

_GAP = re.compile(r"^~(\d*)$")


def _alternative(word: str, folding) -> str:
    if "+" in word:
        return r"\W+".join(_alternative(part, folding) for part in word.split("+"))
    if word == "#":
        return r"\d+"
    stem = word.endswith("*")
    folded = re.escape(folding(word.rstrip("*")))
    return folded + (r"\w*" if stem else "")


def compile_pattern(pattern: str, folding=None) -> str:
    folding = folding or fold_word
    parts: list[str] = []
    gap = None
    for token in pattern.split():
        found = _GAP.match(token)
        if found:
            gap = int(found.group(1) or 3)
            continue
        if parts:
            parts.append(rf"\W+(?:\w+\W+){{0,{gap}}}" if gap else r"\W+")
        gap = None
        alternatives = [_alternative(alt, folding) for alt in token.split("/") if alt]
        parts.append("(?:" + "|".join(alternatives) + ")")
    return r"(?<!\w)" + "".join(parts) + r"(?!\w)"


def _first_keys(pattern: str, folding) -> set[str]:
    """The one- or two-letter starts a match of the pattern can begin with."""
    first = pattern.split()[0]
    keys = set()
    for alternative in first.split("/"):
        word = alternative.split("+")[0]
        if word == "#":
            keys.update("0123456789")
            continue
        stem = folding(word.rstrip("*"))
        keys.add(stem[:2] if len(stem) >= 2 else stem[:1])
    return keys


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern


class RuleSet:
    """The rules of one list, indexed by how their matches can begin: a story is read once,
    word by word, and a rule is tried only where a word starts the way it can start (a regex
    alternation tried at every position was the screeners' slowest part)."""

    def __init__(self, rules: list[tuple[str, str]], *, is_plain: bool = False):
        self.index: dict[str, list[tuple[int, Rule]]] = {}
        self.is_plain = is_plain
        self.shared: tuple[Reading, int] | None = None  # read with other lists (rules())
        folding = plain_word if is_plain else fold_word
        for name, pattern in rules:
            rule = Rule(name, re.compile(compile_pattern(pattern, folding)))
            for key in _first_keys(pattern, folding):
                self.index.setdefault(key, []).append((0, rule))

    def find(self, folded: Folded) -> list[tuple[str, int, int]]:
        if self.is_plain:
            folded = plain(folded.original)
        if self.shared is not None:
            reading, slot = self.shared
            return reading.find(folded).get(slot, [])
        return _read(folded, self.index).get(0, [])


def _read(folded: Folded, index) -> dict[int, list[tuple[str, int, int]]]:
    """Every match of the indexed rules, by the slot of the list each rule came from, in the
    order of the words, then of the rules. A rule is tried only where a word starts the way it
    can start, and not inside its own last match."""
    hits: dict[int, list[tuple[str, int, int]]] = {}
    reached: dict[tuple[int, str], int] = {}
    text = folded.text
    for word in _WORD_START.finditer(text):
        position, value = word.start(), word.group()
        candidates = index.get(value[:2], []) + index.get(value[:1], [])
        for slot, rule in candidates:
            if reached.get((slot, rule.name), -1) > position:
                continue  # inside this rule's last match
            match = rule.regex.match(text, position)
            if match is None:
                continue
            reached[slot, rule.name] = match.end()
            start, end = folded.source(match.start(), match.end())
            hits.setdefault(slot, []).append((rule.name, start, end))
    return hits


class Reading:
    """The lists of one kind of text (folded or plain) that rules() has loaded, read together:
    the screeners of a story ask for ten lists of the same text, and reading it word by word
    once for all of them, not once each, was most of their cost. Each list's hits are what it
    finds alone (its own slot: a rule's matches never hide another list's)."""

    def __init__(self):
        self.index: dict[str, list[tuple[int, Rule]]] = {}
        self.slots = 0
        self._last: tuple[str, int, dict] | None = None  # the text read last, and its hits

    def add(self, rule_set: RuleSet) -> None:
        slot, self.slots = self.slots, self.slots + 1
        for key, entries in rule_set.index.items():
            self.index.setdefault(key, []).extend((slot, rule) for _, rule in entries)
        rule_set.shared = (self, slot)

    def find(self, folded: Folded) -> dict[int, list[tuple[str, int, int]]]:
        last = self._last
        if last is not None and last[1] == self.slots and last[0] == folded.text:
            return last[2]
        hits = _read(folded, self.index)
        self._last = (folded.text, self.slots, hits)
        return hits


_READINGS = {False: Reading(), True: Reading()}  # by is_plain


_WORD_START = re.compile(r"\w+")


def read_lines(language: str, name: str) -> list[str]:
    path = DATA / language / name
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def parse_rules(lines: list[str]) -> list[tuple[str, str]]:
    """`rule<TAB>pattern` lines as (rule, pattern)."""
    parsed = []
    for line in lines:
        name, _, pattern = line.partition("\t")
        if not pattern.strip():
            raise ValueError(f"a list line needs `rule<TAB>pattern`: {line!r}")
        parsed.append((name.strip(), pattern.strip()))
    return parsed


class RuleSets:
    """Kazakh and Russian lists run on the folded text; English ones on the plain text."""

    def __init__(self, sets: list[RuleSet]):
        self.sets = sets

    def find(self, folded: Folded) -> list[tuple[str, int, int]]:
        return [hit for rule_set in self.sets for hit in rule_set.find(folded)]


FOLDED_LANGUAGES = ("kk", "ru")


def list_rule_sets(name: str) -> list[RuleSet]:
    """List `name`'s rules on their own: Kazakh and Russian folded, English plain."""

    def named(languages):
        return [
            (f"{language}: {rule}", pattern)
            for language in languages
            for rule, pattern in parse_rules(read_lines(language, name))
        ]

    english = [lang for lang in LANGUAGES if lang not in FOLDED_LANGUAGES]
    return [RuleSet(named(FOLDED_LANGUAGES)), RuleSet(named(english), is_plain=True)]


@cache
def rules(name: str) -> RuleSets:
    """The rules of list `name` in every language (named `<language>: <rule>`), loaded once
    per process, and read with the other lists loaded (Reading)."""
    sets = list_rule_sets(name)
    for rule_set in sets:
        _READINGS[rule_set.is_plain].add(rule_set)
    return RuleSets(sets)


@cache
def word_set(name: str) -> frozenset[str]:
    """Folded entries of list `name` (one word or phrase a line) in every language."""
    return frozenset(fold_word(line) for lang in LANGUAGES for line in read_lines(lang, name))


def find_rules(folded: Folded, rule_set) -> list[tuple[str, int, int]]:
    """(rule name, start, end) in source offsets for every match of every rule."""
    return rule_set.find(folded)


WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’ʼ`-](?=[^\W\d_]))*")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    folded: str
    sentence_start: bool


_SENTENCE_END = re.compile(r"[.!?…:;\n\"«»“”()]\s*$")


@lru_cache(maxsize=8)
def tokens(text: str) -> tuple[Token, ...]:
    out: list[Token] = []
    previous_end = 0
    for match in WORD.finditer(text):
        between = text[previous_end : match.start()]
        starts_sentence = not out or bool(_SENTENCE_END.search(between))
        word = match.group()
        out.append(Token(match.start(), match.end(), word, fold_word(word), starts_sentence))
        previous_end = match.end()
    return tuple(out)
