"""Personal details: what could lead someone from a story back to the woman who told it.

Each finding names the rule that matched (`detail`), never the matched text: the text stays in
the story, where withdrawal erases it (DESIGN.md invariant 5).
"""

import re
from functools import cache

import phonenumbers

from moderation.models import Severity
from moderation.screeners import PII, Finding
from moderation.screeners import names as person_names
from moderation.screeners.text import Folded, find_rules, fold, rules, tokens

NAME = PII

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
SOCIAL = (
    "instagram.com|instagr.am|vk.com|vk.ru|facebook.com|fb.com|t.me|telegram.me|tiktok.com|"
    "ok.ru|twitter.com|x.com|youtube.com|youtu.be|threads.net|linkedin.com|wa.me"
)
URL = re.compile(
    r"(?<![\w@.-])(?:https?://|www\.)[^\s<>\"«»]+"
    r"|(?<![\w@.-])(?:[a-zA-Z0-9-]+\.)+(?:kz|ru|com|net|org|me|biz|info|io|su|uz|kg|by|ua|app)"
    r"(?:/[^\s<>\"«»]*)?(?![\w-])"
)
SOCIAL_URL = re.compile(rf"(?:^|[/.])(?:{SOCIAL})(?:/|$)", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,30}[A-Za-z0-9_])(?![\w@])")
TWELVE_DIGITS = re.compile(r"(?<![\d-])\d{12}(?![\d-])")
CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
LATIN_PLATE = "ABCEHKMOPTXYZDFGIJLNQRSUVW"
CYRILLIC_LOOKALIKES = "АВЕКМНОРСТУХ"
_L = f"[{LATIN_PLATE}{CYRILLIC_LOOKALIKES}]"
PLATE = re.compile(
    rf"(?<![\w-])(?:\d{{3}}[ -]?{_L}{{2,3}}[ -]?(?:0[1-9]|1\d|20)"
    rf"|{_L}[ -]?\d{{3}}[ -]?{_L}{{3}})(?![\w-])"
)
NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])[./](?:\d{4}|\d{2})(?![\d.])"
)
DOCUMENT_FORMAT = re.compile(r"(?<![\w/-])\d{1,3}-\d{2,6}/\d{2,4}(?![\w/-])")
# `мне 5 минут`: a number followed by a unit is no age.
UNIT_AFTER = re.compile(
    r"\W*(?:minute|hour|second|day|week|month|km|kg|%|time|tenge|тенге|мин|час|сек|дн|недел|месяц|км|кг|раз|сағат|минут|күн|апта|ай\b)",
    re.I,
)

_ADDRESS_PREFIX = (
    r"ul|ulitsa|ulitse|ulitsu|ulitsi|prospekt\w*|pr|pr-t|pereul\w*|per|bulvar\w*|mkr|mkrn"
    r"|mikroraion\w*|microdistrict|micro-district|shagin\s+audan\w*|sh/a"
)
_ADDRESS_POSTFIX = (
    r"koshesi\w*|kosh|dangili\w*|street|st|avenue|ave|road|rd|lane|prospekti\w*|prospekt\w*"
    r"|ulitsa|ulitse|bulvar\w*|shagin\s+audani\w*"
)
_UNIT = (
    r"(?:dom|d|ui|uidin|uide|kv|kvartira|kvartire|pater|paterde|apt|apartment|flat|building"
    r"|bldg|house|korpus|k)"
)
_NUMBER = r"\d+[a-z]?(?:/\d+)?"
_TAIL = rf"(?:\W+(?:{_UNIT}\W*)?{_NUMBER}(?:\W*{_UNIT})?)*"
ADDRESS = re.compile(
    rf"(?<!\w)(?:{_ADDRESS_PREFIX})\W+(?P<a>(?:[^\W\d][\w-]*\W+){{0,3}}?){_NUMBER}(?:\W*{_UNIT})?{_TAIL}"
    rf"|(?<!\w)(?P<b>(?:[^\W\d][\w-]*\W+){{1,3}}?)(?:{_ADDRESS_POSTFIX})\W+(?:{_UNIT}\W*)?{_NUMBER}(?:\W*{_UNIT})?{_TAIL}"
    rf"|(?<!\w)(?:dom|d|ui|house)\W*{_NUMBER}\W+(?:kv|kvartira|pater|apt|flat)\W*{_NUMBER}"
    rf"|(?<!\w){_NUMBER}\W+(?:ui|uidin|house)\W+{_NUMBER}\W+(?:pater|paterde|kv|apt|flat)",
)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iin_valid(digits: str) -> bool:
    """Kazakhstan's IIN/BIN check digit: weights 1..11, then 3..11,1,2 when the first gives 10."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    values = [int(c) for c in digits]
    check = sum(v * w for v, w in zip(values[:11], range(1, 12), strict=True)) % 11
    if check == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        check = sum(v * w for v, w in zip(values[:11], weights, strict=True)) % 11
        if check == 10:
            return False
    return check == values[11]


def _finding(kind: str, severity: Severity, start: int, end: int, detail: str) -> Finding:
    return Finding(NAME, kind, severity, start, end, detail)


def _contacts(text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in EMAIL.finditer(text):
        found.append(_finding("email", Severity.HIGH, *match.span(), "e-mail address"))
    for match in TWELVE_DIGITS.finditer(text):
        if iin_valid(match.group()):
            found.append(
                _finding("iin", Severity.HIGH, *match.span(), "IIN/BIN, check digit valid")
            )
    for match in CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and _luhn(digits):
            if len(digits) == 12 and iin_valid(digits):
                continue
            found.append(_finding("card", Severity.HIGH, *match.span(), "payment card, Luhn valid"))
    taken = [(f.start, f.end) for f in found]
    for match in phonenumbers.PhoneNumberMatcher(text, "KZ"):
        if any(match.start < end and start < match.end for start, end in taken):
            continue
        found.append(_finding("phone", Severity.HIGH, match.start, match.end, "phone number"))
    for match in URL.finditer(text):
        if any(match.start() < f.end and f.start < match.end() for f in found):
            continue
        value = match.group().rstrip(".,;:!?)")
        end = match.start() + len(value)
        if SOCIAL_URL.search(re.sub(r"^(?:https?://)?(?:www\.)?", "/", value.lower())):
            found.append(_finding("handle", Severity.HIGH, match.start(), end, "profile link"))
        else:
            found.append(_finding("url", Severity.MEDIUM, match.start(), end, "link"))
    for match in HANDLE.finditer(text):
        if any(match.start() < f.end and f.start < match.end() for f in found):
            continue
        found.append(_finding("handle", Severity.HIGH, *match.span(), "social-media handle"))
    for match in PLATE.finditer(text):
        found.append(_finding("plate", Severity.HIGH, *match.span(), "vehicle plate (KZ format)"))
    return found


def _capitalised_at(text: str, index: int) -> bool:
    return text[index : index + 1].isupper() or text[index : index + 1].isdigit()


_NAME_WORD = re.compile(r"[^\W\d][\w-]*")
# Lower-case titles inside Kazakh street names: "Абылай хан", "Қабанбай батыр", "Төле би".
_STREET_TITLES = {"хан", "батыр", "би", "ата", "ана", "ақын", "khan", "batyr", "bi", "akyn"}
_SENTENCE_START = re.compile(r"(?:^|[.!?…\n]\s*)$")


def _addresses(text: str, folded: Folded) -> list[Finding]:
    """A street marker, a capitalised street name and a number: "ул. Абая 150, кв. 47",
    "Абай даңғылы, 44 үй", "Abay street 15, apt 32". A marker with no number ("выгнал на
    улицу") is no address."""
    found = []
    for match in ADDRESS.finditer(folded.text):
        start, end = folded.source(*match.span())
        if match.group("a") is not None and match.group("a"):
            name_start, _ = folded.source(match.start("a"), match.end("a"))
            if not _capitalised_at(text, name_start):
                continue
        elif match.group("b") is not None:
            # The name is the capitalised words just before the marker.
            words = list(_NAME_WORD.finditer(match.group("b")))
            first = None
            for index in range(len(words) - 1, -1, -1):
                word = words[index]
                source_start, _ = folded.source(match.start("b") + word.start(), match.end("b"))
                if not _capitalised_at(text, source_start):
                    source_end = source_start + len(word.group())
                    title = text[source_start:source_end].lower() in _STREET_TITLES
                    if title and first is None and index > 0:
                        continue  # "Абылай хан даңғылы": the name goes on before its title
                    break
                if first is not None and _SENTENCE_START.search(text[:source_start]):
                    break  # "Мен Абай даңғылы...": the sentence's first word is not the name
                first = source_start
            if first is None:
                continue
            start = first
        found.append(_finding("address", Severity.HIGH, start, end, "street address"))
    return found


# kind, list, severity
_LISTS = (
    ("position", "positions.txt", Severity.MEDIUM),
    ("workplace", "workplaces.txt", Severity.MEDIUM),
    ("children", "children.txt", Severity.MEDIUM),
    ("date", "dates.txt", Severity.MEDIUM),
    ("age", "ages.txt", Severity.MEDIUM),
    ("document", "documents.txt", Severity.HIGH),
)


def _listed(text: str, folded: Folded) -> list[Finding]:
    found = []
    for kind, name, severity in _LISTS:
        for rule, start, end in find_rules(folded, rules(name)):
            if kind == "age" and UNIT_AFTER.match(text, end):
                continue
            if kind in ("age", "children") and re.search(r"\d{4}", text[start:end]):
                continue  # a year or an id number, not an age
            found.append(_finding(kind, severity, start, end, f"{kind}: {rule}"))
    for match in NUMERIC_DATE.finditer(text):
        found.append(_finding("date", Severity.MEDIUM, *match.span(), "date: dd.mm.yyyy"))
    for match in DOCUMENT_FORMAT.finditer(text):
        found.append(_finding("document", Severity.HIGH, *match.span(), "document: N-N/YYYY"))
    return found


@cache
def _place_stems() -> tuple[str, ...]:
    from moderation.screeners.text import word_set

    return tuple(sorted(word_set("places.txt"), key=len, reverse=True))


def _places(text: str) -> list[Finding]:
    stems = _place_stems()
    found = []
    for token in tokens(text):
        if not token.text[:1].isupper():
            continue
        for stem in stems:
            if token.folded.startswith(stem) and len(token.folded) - len(stem) <= 5:
                found.append(
                    _finding("place", Severity.LOW, token.start, token.end, "city or town")
                )
                break
    return found


def _drop_overlapping(findings: list[Finding]) -> list[Finding]:
    """Where kinds overlap, the more specific one stays (a street named after a person is an
    address; a child's age is about children, not an adult's age)."""
    outranks = {
        "person": ("address", "email", "handle", "url", "workplace", "position"),
        "place": ("address", "email", "handle", "url", "workplace", "person"),
        "age": ("children",),
        "date": ("document",),
        "phone": ("iin", "card", "document", "date", "plate"),
        "workplace": ("address", "email", "handle", "url"),
        "plate": ("iin", "card", "phone"),
    }
    kept = []
    for finding in findings:
        stronger = outranks.get(finding.kind, ())
        if any(
            other.kind in stronger and other.start < finding.end and finding.start < other.end
            for other in findings
        ):
            continue
        kept.append(finding)
    return kept


def _merge_same_kind(findings: list[Finding]) -> list[Finding]:
    """One finding per overlapping run of one kind, so a moderator sees each detail once."""
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.kind, f.start, -f.end)):
        last = merged[-1] if merged else None
        if last and last.kind == finding.kind and finding.start < last.end:
            if finding.end > last.end:
                merged[-1] = Finding(
                    last.screener, last.kind, max(last.severity, finding.severity),
                    last.start, finding.end, last.detail,
                )  # fmt: skip
            continue
        merged.append(finding)
    return sorted(merged, key=lambda f: (f.start, f.end, f.kind))


def screen(text: str, language: str = "") -> list[Finding]:
    folded = fold(text)
    findings = _contacts(text)
    findings += _addresses(text, folded)
    findings += _listed(text, folded)
    findings += [
        _finding(kind, severity, start, end, detail)
        for kind, severity, start, end, detail in person_names.find(text, language)
    ]
    findings += _places(text)
    return _merge_same_kind(_drop_overlapping(findings))
