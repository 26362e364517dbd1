"""Danger: a threat to her life, self-harm or suicide, a child at risk, nowhere to go tonight.

Any finding here makes the story urgent. The lists (data/<language>/danger.txt) are stem
patterns, folded so that Cyrillic and Latin spellings of Kazakh and Russian meet, and so that
inflected forms ("убьёт", "убью", "өлтіремін", "öltıredı") match one stem. Admins add suspect
phrases in the Django admin (kind "danger"); they apply within a minute.
"""

from moderation.models import Severity
from moderation.screeners import Finding, wordlists
from moderation.screeners.text import find_rules, fold, rules

NAME = "danger"
ROUTE = "urgent"

# Where two rules cover the same words, the more specific one names the finding.
PRIORITY = ("self-harm", "өзіне", "самоповрежд", "child", "бала", "ребен", "nowhere", "некуда",
            "баратын", "weapon", "оружие")  # fmt: skip
KINDS = {
    "self_harm": ("self-harm", "самоповреждение", "өзіне қол жұмсау"),
    "child_at_risk": ("child at risk", "ребенок в опасности", "бала қауіпте"),
    "nowhere_to_go": ("nowhere to go", "некуда идти", "баратын жер жоқ"),
}


def _kind(rule: str) -> str:
    name = rule.split(": ", 1)[-1]
    for kind, names in KINDS.items():
        if name in names:
            return kind
    return "threat"


def _rank(rule: str) -> int:
    for index, marker in enumerate(PRIORITY):
        if marker in rule:
            return index
    return len(PRIORITY)


def screen(text: str, language: str = "") -> list[Finding]:
    folded = fold(text)
    hits = find_rules(folded, rules("danger.txt"))
    hits += [(f"admin list: {rule}", s, e) for rule, s, e in wordlists.find(folded, "danger")]
    hits.sort(key=lambda hit: (_rank(hit[0]), hit[1]))
    kept: list[tuple[str, int, int]] = []
    for rule, start, end in hits:
        if any(start < e and s < end for _, s, e in kept):
            continue
        kept.append((rule, start, end))
    return [
        Finding(NAME, _kind(rule), Severity.HIGH, start, end, f"danger: {rule}")
        for rule, start, end in sorted(kept, key=lambda hit: hit[1])
    ]
