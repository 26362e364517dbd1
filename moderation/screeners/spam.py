"""Spam: links, repeated characters or words, gibberish, and text that is not a story.

Near-duplicates of other recent stories are found by the `duplicates` screener, which keeps
signatures in the database. Strong signs (high) hold the story for a moderator.
"""

import re
from collections import Counter

from moderation.models import Severity
from moderation.screeners import SPAM, Finding, wordlists
from moderation.screeners.pii import URL
from moderation.screeners.text import WORD, find_rules, fold, fold_word, rules

NAME = SPAM
ROUTE = "hold"
LINKS_STRONG = 3
CHAR_RUN = re.compile(r"(\S)\1{9,}")  # the same character eleven times or more
WORD_RUN = 4  # the same word this many times in a row
TOP_WORD_SHARE = 0.3  # one word (of four letters or more) this share of a long text
GIBBERISH_SHARE = 0.35
CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}")
VOWELS = re.compile(r"[aeiou]")


def _links(text: str) -> list[Finding]:
    matches = list(URL.finditer(text))
    if not matches:
        return []
    targets = Counter(m.group().rstrip(".,;:!?)").lower() for m in matches)
    repeated = max(targets.values()) >= 2
    if len(matches) >= LINKS_STRONG or repeated:
        rule = "spam: the same link repeated" if repeated else "spam: many links"
        return [Finding(NAME, "links", Severity.HIGH, m.start(), m.end(), rule) for m in matches]
    return []


def _repetition(text: str, words: list[re.Match]) -> list[Finding]:
    rule = "spam: a character repeated"
    found = [
        Finding(NAME, "repetition", Severity.MEDIUM, m.start(), m.end(), rule)
        for m in CHAR_RUN.finditer(text)
    ]
    run_start = 0
    for i in range(1, len(words) + 1):
        same = i < len(words) and words[i].group().lower() == words[run_start].group().lower()
        if same:
            continue
        if i - run_start >= WORD_RUN:
            found.append(
                Finding(NAME, "repetition", Severity.HIGH, words[run_start].start(),
                        words[i - 1].end(), f"spam: a word repeated {i - run_start} times")
            )  # fmt: skip
        run_start = i
    long_words = [w.group().lower() for w in words if len(w.group()) >= 4]
    if len(long_words) >= 20:
        word, count = Counter(long_words).most_common(1)[0]
        if count / len(long_words) >= TOP_WORD_SHARE:
            found.append(
                Finding(NAME, "repetition", Severity.HIGH, 0, len(text),
                        "spam: one word makes up much of the text")
            )  # fmt: skip
    return found


def _gibberish(text: str, words: list[re.Match]) -> list[Finding]:
    candidates = [w for w in words if len(w.group()) >= 4]
    if len(candidates) < 5:
        return []
    odd = 0
    for word in candidates:
        folded = fold_word(word.group())
        if CONSONANT_RUN.search(folded) or not VOWELS.search(folded):
            odd += 1
    if odd / len(candidates) >= GIBBERISH_SHARE:
        return [
            Finding(
                NAME, "gibberish", Severity.HIGH, 0, len(text), "spam: words that are not words"
            )
        ]
    return []


def _not_a_story(text: str) -> list[Finding]:
    folded = fold(text)
    found = [
        Finding(NAME, "advertising", Severity.MEDIUM, start, end, f"spam: {rule}")
        for rule, start, end in find_rules(folded, rules("spam.txt"))
    ]
    for rule, start, end in wordlists.find(folded, "spam"):
        severity = Severity.HIGH if rule.startswith("banned") else Severity.MEDIUM
        found.append(Finding(NAME, "listed", severity, start, end, f"admin list: {rule}"))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        found.append(
            Finding(NAME, "shouting", Severity.MEDIUM, 0, len(text), "spam: mostly capitals")
        )
    if len(letters) < len(text) * 0.4 and len(text) >= 40:
        found.append(Finding(NAME, "not_text", Severity.HIGH, 0, len(text), "spam: few letters"))
    return found


def screen(text: str, language: str = "") -> list[Finding]:
    words = list(WORD.finditer(text))
    findings = (
        _links(text) + _repetition(text, words) + _gibberish(text, words) + _not_a_story(text)
    )
    advertising = [f for f in findings if f.kind == "advertising"]
    if advertising and any(f.kind == "links" or f.kind == "repetition" for f in findings):
        # An advertisement with links or repetition is no story.
        findings.append(
            Finding(
                NAME, "advertising", Severity.HIGH, 0, len(text), "spam: advertising with links"
            )
        )
    return sorted(findings, key=lambda f: (f.start, f.end))
