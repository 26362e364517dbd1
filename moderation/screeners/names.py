"""Person names (and, from natasha, places and organisations) for the pii screener.

Russian runs through natasha's NER, which loads its models from the installed package (no
network) once per process. Kazakh and English, and Latin-script Russian, use a gazetteer of
first names, surname endings (-ов/-ова/-ев/-ева/-ин/-ина, -ұлы/-қызы, -uly/-kyzy) with
capitalisation, patronymics, and cue words ("его зовут", "оның аты", "named").
"""

import re
from functools import cache, lru_cache

from moderation.models import Severity
from moderation.screeners.text import Token, tokens, word_set

CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)
SURNAME_ENDINGS_CYRILLIC = (
    "ов", "ова", "ову", "овым", "ев", "ева", "еву", "евым", "ёв", "ёва", "ин", "ина", "ину",
    "иным", "ский", "ская", "ской", "цкий", "цкая", "ұлы", "қызы", "улы", "кызы",
)  # fmt: skip
SURNAME_ENDINGS_LATIN = (
    "ov", "ova", "ev", "eva", "yev", "yeva", "in", "ina", "sky", "skaya", "skiy", "skii",
    "uly", "ulu", "kyzy", "qyzy", "kizi", "ovich", "ovna", "evich", "evna",
)  # fmt: skip
PATRONYMIC_ENDINGS = ("ович", "овна", "евич", "евна", "ична", "ovich", "ovna", "evich", "evna")
# A capitalised word right after one of these is a name.
CUES = re.compile(
    r"(?:зовут|звали|имя|по имени|named|called|name is|name was|аты|атты|есімі|есімді|aty|esimi)"
    r"\s+$",
    re.IGNORECASE,
)
NOT_NAMES = frozenset(
    {"бог", "аллах", "god", "allah", "мама", "папа", "mom", "dad", "полиция", "police"}
)
# Kinds of organisation, not one of them: nobody is found by "an NGO".
GENERIC_ORGANISATIONS = frozenset({"НКО", "НПО", "ООО", "ТОО", "ИП", "АО", "ҮЕҰ", "ЖШС", "NGO"})
# Car makes the NER takes for names ("серый Лексус").
NOT_PEOPLE = re.compile(
    r"^(?:лексус|тойот|камри|хендай|хундай|киа|лад|мерседес|бмв|ауди|шевроле|нексия|хонд|"
    r"ниссан|фольксваген|опел|мазд|субару|лексуса|джип|lexus|toyota|camry|hyundai|kia|lada|"
    r"mercedes|bmw|audi|chevrolet|nexia|honda|nissan|volkswagen|opel|mazda|subaru|jeep)",
    re.IGNORECASE,
)
MIN_SURNAME = 5
# Words of context either side of a candidate name that the NER reads.
NER_CONTEXT = 5


@cache
def _first_names() -> frozenset[str]:
    return word_set("first_names.txt")


@cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _natasha():
    from natasha import NewsEmbedding, NewsNERTagger
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return NewsNERTagger(NewsEmbedding())


@lru_cache(maxsize=50_000)
def _common_russian_word(word: str) -> bool:
    parses = _morph().parse(word.lower())
    top = parses[0]
    return (
        top.is_known and not ({"Name", "Surn", "Patr"} & set(top.tag.grammemes)) and top.score > 0.5
    )


def _surname_like(token: Token) -> bool:
    word = token.text
    lower = word.lower()
    if len(word) < MIN_SURNAME or not word[:1].isupper() or word.isupper():
        return False
    if CYRILLIC.search(word):
        if not lower.endswith(SURNAME_ENDINGS_CYRILLIC):
            return False
        return not _common_russian_word(word)
    return lower.endswith(SURNAME_ENDINGS_LATIN)


def _patronymic(token: Token) -> bool:
    return token.text[:1].isupper() and token.text.lower().endswith(PATRONYMIC_ENDINGS)


def _first_name(token: Token) -> bool:
    return (
        token.text[:1].isupper()
        and not token.text.isupper()
        and token.folded in _first_names()
        and token.folded not in NOT_NAMES
    )


def _gazetteer(text: str) -> list[tuple[int, int, str]]:
    words = tokens(text)
    marks: list[str | None] = [None] * len(words)
    for i, token in enumerate(words):
        if _first_name(token):
            marks[i] = "first name"
        elif _patronymic(token):
            marks[i] = "patronymic"
        elif _surname_like(token):
            # A surname-shaped first word of a sentence needs a neighbour that is a name.
            marks[i] = "surname pattern"
        elif (
            token.text[:1].isupper()
            and not token.text.isupper()
            and CUES.search(text[max(0, token.start - 20) : token.start])
        ):
            marks[i] = "name after a cue word"
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        if marks[i] is None:
            i += 1
            continue
        j = i
        while (
            j + 1 < len(words)
            and marks[j + 1] is not None
            and text[words[j].end : words[j + 1].start].strip() in ("", "-")
        ):
            j += 1
        rules = {marks[k] for k in range(i, j + 1)}
        lone_surname = rules == {"surname pattern"} and i == j
        if not (lone_surname and words[i].sentence_start):
            detail = "person name: " + ", ".join(sorted(r for r in rules if r))
            spans.append((words[i].start, words[j].end, detail))
        i = j + 1
    return spans


def _ner_windows(text: str) -> list[tuple[int, str]]:
    """The stretches worth the NER's time: a few words either side of each capitalised
    Cyrillic word that is not a common word starting a sentence. The NER's cost grows with
    the length it reads; most of a story has no name in it."""
    words = tokens(text)
    wanted: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        if not (word.text[:1].isupper() and CYRILLIC.search(word.text)):
            continue
        if word.sentence_start and _common_russian_word(word.text):
            continue
        first, last = max(0, i - NER_CONTEXT), min(len(words) - 1, i + NER_CONTEXT)
        if wanted and first <= wanted[-1][1] + 1:
            wanted[-1] = (wanted[-1][0], last)
        else:
            wanted.append((first, last))
    return [(words[a].start, text[words[a].start : words[b].end]) for a, b in wanted]


NER_KINDS = {
    "PER": ("person", Severity.HIGH, "person name (NER)"),
    "LOC": ("place", Severity.LOW, "place (NER)"),
    "ORG": ("workplace", Severity.MEDIUM, "organisation (NER)"),
}


_NER_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def _tag(sentences: list[str]):
    """natasha's NER on each text, tokenised here by one regex: razdel's tokenizer, which the
    NER otherwise runs first, cost more than the network itself."""
    from slovnet.markup import BIOMarkup

    infer = _natasha().infer
    items = [_NER_TOKEN.findall(sentence) for sentence in sentences]
    predictions = infer.decoder(infer.process(infer.encoder(items)))
    for sentence, item, prediction in zip(sentences, items, predictions, strict=True):
        yield BIOMarkup.from_tuples(zip(item, prediction, strict=True)).to_span(sentence)


def _ner(text: str) -> list[tuple[str, Severity, int, int, str]]:
    chosen = _ner_windows(text)
    if not chosen:
        return []
    found = []
    for (offset, _), markup in zip(chosen, _tag([s for _, s in chosen]), strict=True):
        for span in markup.spans:
            kind, severity, detail = NER_KINDS[span.type]
            start, end = offset + span.start, offset + span.stop
            if kind == "person" and NOT_PEOPLE.match(text[start:end]):
                continue
            if kind == "workplace" and text[start:end].isupper() and " " in text[start:end]:
                continue  # "ДЕНЬГИ ДЕНЬГИ": shouting, not an organisation
            if kind == "workplace" and text[start:end].upper() in GENERIC_ORGANISATIONS:
                continue
            found.append((kind, severity, start, end, detail))
    return found


def find(text: str, language: str) -> list[tuple[str, Severity, int, int, str]]:
    found = [("person", Severity.HIGH, s, e, d) for s, e, d in _gazetteer(text)]
    if language in ("ru", "mixed", "") and CYRILLIC.search(text):
        found += _ner(text)
    return found


def warm_up() -> None:
    """Load the models now (before the worker forks, or before the first story)."""
    _first_names()
    _morph().parse("проверка")
    _natasha()
