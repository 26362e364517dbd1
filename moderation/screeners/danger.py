"""Words of immediate danger: threats to life, violence happening now, thoughts of suicide.

A deliberately small first version (issue 6 needs it on the confirmation page; issue 3 owns
the full screener). It reports spans and kinds only, never the words found (invariant 5).
"""

import re

from moderation.models import Severity
from moderation.screeners import Finding

# Word stems, matched at the start of a word, case-insensitively, in kk, ru and en.
PATTERNS: dict[str, list[str]] = {
    "threat": [
        # en
        r"(?:will|going to|gonna|threaten(?:s|ed)? to|said he would) (?:kill|murder|strangle|stab)",
        r"kill (?:me|you|her|the children|my)",
        r"threat(?:en|ens|ened)? (?:me )?with a (?:knife|gun|axe)",
        # ru
        r"убь[юёе]",
        r"убить (?:меня|тебя|её|ее|детей)",
        r"(?:грозит|грозился|угрожает|угрожал)\w* (?:убить|зарезать|задушить)",
        r"зарежу",
        r"задушу",
        r"с ножом",
        # kk
        r"өлтір(?:емін|ем|еді|мек|ейін)",
        r"өлтіремін деп",
        r"пышақпен",
    ],
    "now": [
        r"(?:he is|he's) (?:here|outside|at the door|coming)",
        r"i am (?:locked|trapped|hiding)",
        r"(?:он )?(?:ломится|стоит за дверью|идёт сюда|идет сюда)",
        r"(?:я )?(?:заперта|прячусь)",
        r"(?:ол )?есік алдында тұр",
        r"жасырынып отырмын",
    ],
    "self-harm": [
        r"(?:kill|hurt) myself",
        r"end (?:my|it all)",
        r"suicid",
        r"(?:не хочу|нет сил) жить",
        r"покончить с собой",
        r"суицид",
        r"өзімді өлтір",
        r"өмір сүргім келмейді",
        r"өз(?:-|\s)?өзіме қол жұмсау",
    ],
}
_COMPILED = [
    (kind, re.compile(r"(?<!\w)" + pattern, re.IGNORECASE | re.UNICODE))
    for kind, patterns in PATTERNS.items()
    for pattern in patterns
]


def screen(text: str, language: str = "") -> list[Finding]:
    findings = []
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text):
            findings.append(
                Finding("danger", kind, Severity.HIGH, match.start(), match.end(), detail=kind)
            )
    return findings
