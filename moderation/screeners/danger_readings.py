"""Readings of one sentence that do not depend on its neighbours (after the eighth and ninth
blind sets): a conditional idiom, a threat reported, a hostile campaign's trope.

Sets 8 and 9 made ordinary family stories urgent through a conditional idiom ("мама меня
убьёт, если опоздаю", "my boss will kill me if I'm late", "анам өлтіреді, егер кешіксем"), and
a model retrained on them learnt from those that "убьёт меня" is often calm, until it missed a
husband's threat after campaign tropes ("Феминистки врут... А мой муж сказал, что убьёт меня.").
So three readings of a sentence alone, each a cue kind the sentence and story models read:

- ``cond_idiom``: a word of killing with an everyday person as its subject (a mother, a boss,
  a coach, a mother-in-law; never a husband, a father or a brother) and a condition ("if",
  "если", "егер", a Kazakh conditional verb, "when she sees"). The rules leave the sentence
  alone, as for an idiom; the model still reads it.
- ``reported``: a threat to kill her or the children reported as said, written or sworn
  ("муж сказал, что убьёт", "күйеуім өлтіремін деді", "he said he would kill me"), by someone
  who is not an everyday person, not in a joke and not a conditional idiom. A story with one
  is urgent whatever its other sentences say (danger_model.judge).
- ``trope``: a hostile campaign's words (feminists, grants, NGOs, "liars", "the West"): the
  story model reads it as a feature of its own, and the whole story's reading leaves those
  sentences out, so that a trope does not teach it that the rest of the story is calm.

Every pattern is on folded words (danger_model.words), so Cyrillic, the 2021 Kazakh alphabet
and phone transliteration meet: "убьёт", "ub'yot" and "ubyet" are all "ub...".
"""

import re
from collections.abc import Iterable

# An everyday person whose "will kill me" is a figure of speech: parents' and bosses' words
# for lateness and broken things. Fathers, husbands and brothers are left out on purpose:
# in these sets they are the ones who threaten.
_EVERYDAY = re.compile(
    r"^(?:mama|mamochk\w*|mam[auoy]|mom|mommy|mum|mummy|mother|mothers|boss|bosses|manager|"
    r"coach|teacher|granny|grandma|grandmother|nachalni\w*|shef\w*|svekrov\w*|teshch\w*|"
    r"babushk\w*|trener\w*|uchitel\w*|prepod\w*|direktor\w*|director|sestr\w*|sister|sisters|"
    r"anam|anan|anasi|apam|apan|apkem|apken|apai|apaiim|apaiym|sheshem|sheshen|azhem|azhen|"
    r"enem|enen|enesi|bastig\w*|bastik\w*|mugalim\w*|zhetekshi\w*|sinlim|sinlin|"
    r"mother-in-law|mom-in-law)$"
)
# A condition, or the moment she is found out: the shape of "X will kill me if ...".
_IF = re.compile(
    r"^(?:if|when|once|esli|kogda|eger|uznaet|uvidit|zametit|najdet|naidet|finds|sees|"
    r"notices|hears|bilse|korse|bilip|korip|uznaiut|uvidiat)$"
)
_KK_CONDITIONAL = re.compile(r"^..+?s[ae](?:m|n|k|niz|ndar|nder|nizdar|nizder)?$")
# Said, written, sworn, threatened: what makes a threat a threat reported.
_SAID = re.compile(
    r"^(?:skazal\w*|govorit|govoril\w*|prigrozil\w*|grozi\w*|grozil\w*|ugrozha\w*|obeshal\w*|"
    r"poobeshal\w*|pokliall?\w*|kliane\w*|napisal\w*|pishet|peredal\w*|zaiavil\w*|kriknul\w*|"
    r"oral|orat|krichal\w*|"
    r"said|says|say|told|tells|threaten\w*|promised|promises|swore|swears|wrote|writes|"
    r"texted|warned|yelled|shouted|screamed|"
    r"dedi|deidi|dep|depti|degen|aitti|aitadi|aityp|qorqytty|korkitti|korkitadi|qorqytady|"
    r"zhazdi|zhazdy|zhazipti|eskertti|ant)$"
)
# "I will kill (you)", quoted: өлтіремін деді, "убью", says whom without a pronoun.
_I_WILL_KILL = re.compile(r"^(?:oltir(?:emin|emiz|em)|ubiu|pribiu|zarezhu|zadushu|pristreliu)$")
# Laughter or a joke in the sentence: a threat quoted in a joke is no threat reported.
_JOKING = re.compile(
    r"\){2,}|[😂🤣😅😆🙈😁😄😜]|\bкүл(?:іп|дік|дім|ді|кі)|\bkül(?:ip|dik|dim|ki)|\bkul(?:ip|dik|dim)"
    r"|әзіл|äzil|azil|\bшут|\bшуч|\bshuch|смеш|смея|смех|смеял|хохот|hohot|ржал|rzhal|прикол"
    r"|\bjok(?:e|ed|es|ing)\b|kidding|laugh|cracked up|\blol\b|\blmao\b|(?:ha){2,}|(?:ха){2,}"
    r"|(?:ах){2,}",
    re.I,
)
# A hostile campaign's words, folded.
_TROPE = re.compile(
    r"^(?:feminist\w*|feministk\w*|nko|ngo|ngos|ueu|grant|granti|grantov|grantam|grants|"
    r"grantter\w*|grantqa|granttar\w*|zapad\w*|western|batis\w*|liars|lgun\w*|vrut|vretsha|"
    r"isterichk\w*|isteriki|hysteric\w*|inostran\w*|inoagent\w*|foreign|sorosiat\w*|"
    r"otirikshi\w*|zhalagan\w*)$"
)


def readings(text: str, folded: Iterable[str], cues: frozenset[str] | set[str]) -> set[str]:
    """The cue kinds this sentence alone gives: "cond_idiom", "reported", "trope"."""
    words = [word.lower() for word in folded]
    out = set()
    if any(_TROPE.match(word) for word in words):
        out.add("trope")
    if "kill" not in cues:
        return out
    everyday = any(_EVERYDAY.match(word) for word in words)
    condition = any(
        _IF.match(word) or (len(word) >= 6 and _KK_CONDITIONAL.match(word)) for word in words
    )
    if everyday and condition and "weapon" not in cues:
        out.add("cond_idiom")
        return out
    said = any(_SAID.match(word) for word in words)
    aimed = bool(cues & {"me", "you", "child"}) or any(_I_WILL_KILL.match(w) for w in words)
    if said and aimed and not everyday and not _JOKING.search(text):
        out.add("reported")
    return out
