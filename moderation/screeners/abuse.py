"""Abuse: obscenity (Russian mat included), insults, slurs, and hostility aimed at survivors,
feminists or NGOs: the kind of text a hostile campaign sends.

A survivor often quotes what was shouted at her, so a single insult is shown to the moderator
(medium) without holding the story. Hostility towards survivors, a word on the admin's banned
list, or a text thick with abuse is strong (high): the pipeline holds the story.
"""

from moderation.models import Severity
from moderation.screeners import ABUSE, Finding, wordlists
from moderation.screeners.text import WORD, find_rules, fold, rules

NAME = ABUSE
ROUTE = "hold"
# Strong when abusive words are at least this many and this share of the words.
DENSE_COUNT = 3
DENSE_SHARE = 0.08


def _kind(rule: str) -> str:
    name = rule.split(": ", 1)[-1]
    if name.startswith("hostility"):
        return "hostility"
    if name in ("obscene", "мат", "балағат"):
        return "obscene"
    if name == "slur":
        return "slur"
    if name == "victim blaming":
        return "victim_blaming"  # survivors quote it: shown, not strong
    return "insult"


def screen(text: str, language: str = "") -> list[Finding]:
    folded = fold(text)
    findings = []
    for rule, start, end in find_rules(folded, rules("abuse.txt")):
        kind = _kind(rule)
        severity = Severity.HIGH if kind in ("hostility", "slur") else Severity.MEDIUM
        findings.append(Finding(NAME, kind, severity, start, end, f"abuse: {rule}"))
    for rule, start, end in wordlists.find(folded, "abuse"):
        severity = Severity.HIGH if rule.startswith("banned") else Severity.MEDIUM
        findings.append(Finding(NAME, "listed", severity, start, end, f"admin list: {rule}"))
    words = len(WORD.findall(text))
    abusive = [f for f in findings if f.kind in ("obscene", "insult", "slur", "listed")]
    if len(abusive) >= DENSE_COUNT and len(abusive) / max(words, 1) >= DENSE_SHARE:
        findings.append(
            Finding(NAME, "dense", Severity.HIGH, 0, len(text), "abuse: many abusive words")
        )
    return sorted(findings, key=lambda f: (f.start, f.end))
