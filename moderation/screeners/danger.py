"""Danger: a threat to her life, self-harm or suicide, a child at risk, nowhere to go tonight.

Any finding here makes the story urgent. Two layers:

- phrases (data/<language>/danger.txt): stem patterns such as "убь* ~ меня", precise, each
  named for what it says;
- cues (data/<language>/danger_cues.txt): single words sorted into kinds (a weapon, violence,
  being alive or dead, a child, a threat, fear of going home...), combined per sentence, so
  that danger said in words no phrase list foresaw is still caught: "he pressed a pillow over
  my face", "я живой из дома не выйду". A held-out set showed phrases alone miss most of it.

Both are folded so that Cyrillic and Latin spellings of Kazakh and Russian meet, and inflected
forms match one stem. Admins add suspect phrases in the Django admin (kind "danger"); they apply
within a minute. Danger is meant to be found: a false alarm costs a moderator a look, a miss
can cost a life, so the cues lean towards recall.
"""

import re

from moderation.models import Severity
from moderation.screeners import Finding, wordlists
from moderation.screeners.text import find_rules, fold, rules

NAME = "danger"
ROUTE = "urgent"

# Where two rules cover the same words, the more specific one names the finding.
PRIORITY = ("self-harm", "өзіне", "самоповрежд", "child", "бала", "ребен", "nowhere", "некуда",
            "баратын", "weapon", "оружие")  # fmt: skip
KINDS = {
    "self_harm": (
        "self-harm",
        "самоповреждение",
        "өзіне қол жұмсау",
        "cues: thoughts of self-harm",
    ),
    "unsafe_tonight": ("cues: afraid to go home",),
    "child_at_risk": (
        "child at risk",
        "ребенок в опасности",
        "бала қауіпте",
        "cues: violence against a child",
    ),
    "nowhere_to_go": ("nowhere to go", "некуда идти", "баратын жер жоқ"),
}


def _kind(rule: str) -> str:
    name = rule if rule.startswith("cues: ") else rule.split(": ", 1)[-1]
    for kind, names in KINDS.items():
        if name in names:
            return kind
    return "threat"


def _rank(rule: str) -> int:
    if rule.startswith("cues: "):
        return len(PRIORITY) + 1  # a phrase names the finding better than a combination
    for index, marker in enumerate(PRIORITY):
        if marker in rule:
            return index
    return len(PRIORITY)


SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")
# Cue combinations, checked in order: (kind, rule, cues that must all be there, any of these).
COMBINATIONS = (
    ("self_harm", "thoughts of self-harm", {"self"}, set()),
    ("threat", "words of killing", {"kill"}, set()),
    ("threat", "a weapon with violence or a threat", {"weapon"}, {"harm", "kill", "say", "alive"}),
    ("threat", "life or death with a threat", {"alive"}, {"say", "harm", "kill"}),
    ("child_at_risk", "violence against a child", {"child", "harm"}, set()),
    ("child_at_risk", "night visits to a child's room", {"child", "visit"}, {"room"}),
    ("threat", "violence to the head or neck", {"harm", "body"}, set()),
    ("threat", "held under water", {"water"}, {"harm", "body", "kill"}),
    ("self_harm", "thoughts of falling from a height", {"height", "fall"}, set()),
    ("threat", "told she is dead", {"alive", "you"}, set()),
    ("unsafe_tonight", "afraid to go home", {"fear"}, {"home", "tonight"}),
    ("threat", "violence in pregnancy", {"pregnant", "harm"}, set()),
)


def _cue_hits(text: str) -> list[tuple[str, int, int]]:
    """(`cues: <rule>`, start, end) for each sentence whose cues combine into danger."""
    hits = find_rules(fold(text), rules("danger_cues.txt"))
    idioms = [(s, e) for name, s, e in hits if name.endswith(": idiom")]
    found = []
    for sentence in SENTENCE.finditer(text):
        start, end = sentence.start(), sentence.end()
        cues = {
            name.split(": ", 1)[-1]
            for name, s, e in hits
            if start <= s < end and not any(s < ie and is_ < e for is_, ie in idioms)
        }
        if "witness" in cues:
            cues.discard("child")  # "in front of the children": the children saw it
        for _kind_of_danger, rule, required, any_of in COMBINATIONS:
            if required <= cues and (not any_of or any_of & cues):
                stripped = sentence.group().rstrip()
                lead = len(stripped) - len(stripped.lstrip())
                found.append((f"cues: {rule}", start + lead, start + len(stripped)))
                break
    return found


def screen(text: str, language: str = "") -> list[Finding]:
    folded = fold(text)
    hits = find_rules(folded, rules("danger.txt"))
    hits += _cue_hits(text)
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
