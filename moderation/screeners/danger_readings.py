"""Readings of one sentence that do not depend on its neighbours (after the eighth and ninth
blind sets): a conditional idiom, an outing, a threat reported, a hostile campaign's trope.

Sets 8 and 9 made ordinary family stories urgent through a conditional idiom ("мама меня
убьёт, если опоздаю", "my boss will kill me if I'm late", "анам өлтіреді, егер кешіксем"), and
a model retrained on them learnt from those that "убьёт меня" is often calm, until it missed a
husband's threat after campaign tropes ("Феминистки врут... А мой муж сказал, что убьёт меня.").
So readings of a sentence alone, each a cue kind the sentence and story models read:

- ``cond_idiom``: a word of killing with an everyday person as its subject (a mother, a boss,
  a coach, a mother-in-law; never a husband, a father or a brother) and a condition ("if",
  "если", "егер", a Kazakh conditional verb, "when she sees") or a laugh in the sentence. The
  rules leave the sentence alone, as for an idiom; the model still reads it.
- ``outing``: the children taken to the zoo or to school, not taken away: the sentence's
  "take" cue is dropped.
  A threat passed on by an everyday person ("his mother passed on from him...") is neither:
  she is the messenger, and the threat is reported.
- ``reported``: a threat to kill her ("me", "you", "I will kill") reported as said, written or sworn
  ("муж сказал, что убьёт", "күйеуім өлтіремін деді", "he said he would kill me"), by someone
  who is not an everyday person, not in a joke, not told as then ("тогда", "back then") and not
  a conditional idiom. A story with one is urgent whatever its other sentences say, unless it
  retells a film or the news (danger_model.judge).
- ``trope``: a hostile campaign's words (feminists, grants, NGOs, "liars", "the West"): the
  story model reads it as a feature of its own, and the whole story's reading leaves those
  sentences out, so that a trope does not teach it that the rest of the story is calm.

After the eleventh blind set: her own "I'll kill him" in a joke is a ``cond_idiom`` too, and aunts
are everyday people; a harm or threat word with a negation just before it ("не бьёт", "he never
hit") is no cue (`negated`, used by danger.read); and a story the writer tells laughing
(`told_as_joke`: "lol", "😂", "Funny story") leaves its threat reported to the story model.

After the twelfth blind set: ``safe``, she says she is safe now or no longer afraid (`safe_now`:
"we are safe", "мы в безопасности", "біз қауіпсізбіз"), and ``jailed``, he is serving a sentence
(`jailed`: "he got 9 years", "ему дали восемь лет", "жылға сотталды"); either is the story
feature "the danger said to be over", which the story model weighs (no rule is silenced by it).

Every pattern is on folded words (danger_model.words), so Cyrillic, the 2021 Kazakh alphabet
and phone transliteration meet: "убьёт", "ub'yot" and "ubyet" are all "ub...".
"""

import re
from collections.abc import Iterable

from moderation.screeners.text import fold_word


def _folded(words: str) -> re.Pattern:
    """A pattern for any of these words as danger_model.words gives them (folded, so that
    "мама", "mama" and "мамa" meet, and English "wrote" is "urote"); `stem*` takes any ending."""
    alternatives = {
        re.escape(fold_word(word.rstrip("*").lower())) + (r"\w*" if word.endswith("*") else "")
        for word in words.split()
    }
    return re.compile(rf"^(?:{'|'.join(sorted(alternatives, key=len, reverse=True))})$")


# An everyday person whose "will kill me" is a figure of speech: parents' and bosses' words
# for lateness and broken things. Fathers, husbands and brothers are left out on purpose:
# in these sets they are the ones who threaten.
_EVERYDAY = _folded(
    "mom mommy mum mummy mother mothers mother-in-law boss bosses manager coach teacher granny "
    "grandma grandmother director sister sisters aunt aunts auntie "
    "мама мамочк* маму мамы мать начальни* шеф* свекров* тёщ* бабушк* тренер* учител* препод* "
    "директор* сестр* тётя тёти тётю тётей тётка тётушк* "
    "анам анаң анасы апам апаң әпкем әпкең апайым шешем шешең әжем әжең енем енең енесі бастығ* "
    "тәтем тәтең "
    "бастық* мұғалім* жетекші* сіңлім сіңлің"
)
# A condition, or the moment she is found out: the shape of "X will kill me if ...".
_IF = _folded(
    "if when once finds sees notices hears если когда узнает узнают увидит увидят заметит "
    "найдёт егер білсе көрсе біліп көріп"
)
_KK_CONDITIONAL = re.compile(r"^..+?s[ae](?:m|n|k|niz|ndar|nder|nizdar|nizder)?$")
# Said, written, sworn, threatened: what makes a threat a threat reported.
_SAID = _folded(
    "said says say told tells threaten* promised promises swore swears wrote writes texted "
    "warned yelled shouted screamed "
    "сказал* говорит говорил* пригрозил* грози* угрожа* обещал* пообещал* поклял* клян* "
    "написал* пишет передал* заявил* крикнул* орал кричал* "
    "деді дейді деп депті деген айтты айтады айтып қорқытты қорқытады жазды жазыпты ескертті ант"
)
# A threat passed on by someone else ("his mother passed on from him: if I do not come back,
# he will bury me"): the everyday person is the messenger, not the one who threatens.
_RELAYED = _folded(
    "relayed relays conveyed pass passed передал* передаёт передает передают передаст "
    "жеткізді жеткізіпті жеткізген жеткізеді"
)
# "I will kill (you)", quoted: өлтіремін деді, "убью", says whom without a pronoun.
_I_WILL_KILL = _folded("өлтіремін өлтіреміз өлтірем убью прибью зарежу задушу пристрелю")
# Told as then, not now: "тогда он обещал меня убить", "back then", "бұрын".
_THEN = _folded("then ago once тогда раньше давно бұрын кезде ертеде")
# "Since last year", "ever since last winter": a past that goes on to now.
_SINCE = re.compile(r"\bsince\s+last\b", re.I)
# Laughter or a joke in the sentence: a threat quoted in a joke is no threat reported.
_JOKING = re.compile(
    r"\){2,}|[😂🤣😅😆🙈😁😄😜]|\bкүл(?:іп|дік|дім|ді|кі)|\bkül(?:ip|dik|dim|ki)|\bkul(?:ip|dik|dim)"
    r"|әзіл|äzil|azil|\bшут|\bшуч|\bshuch|смеш|смея|смех|смеял|хохот|hohot|ржал|rzhal|прикол"
    r"|\bjok(?:e|ed|es|ing)\b|kidding|laugh|cracked up|\bfunny\b|\blol\b|\blmao\b|(?:ha){2,}"
    r"|(?:ха){2,}|(?:ах){2,}",
    re.I,
)
# Her own "I will kill him", the speaker's figure of speech about her husband's socks: in a joke
# it is no threat to anyone (after the eleventh blind set). Folded words, in a row: "i will
# strangle him", "i'll kill him", "я его убью", "убью его", "мен оны өлтіремін".
_I = _folded("i ill id im я ia мен")
_WILL = _folded("will uill would gonna going swear")
_KILL_HIM_EN = _folded("kill* strangl* murder* chok*")
_HIM = _folded("him them его мужа оны")
_I_KILL = _folded("убью придушу задушу прибью пристрелю өлтіремін буындырамын")


def own_threat(words: list[str]) -> bool:
    """She is the one who says it, of him: "I'll strangle him", "я его убью", "оны өлтіремін"."""
    for i, word in enumerate(words):
        if _I_KILL.match(word) and any(_HIM.match(w) for w in words[max(0, i - 1) : i + 2]):
            return True
        if _KILL_HIM_EN.match(word) and i + 1 < len(words) and _HIM.match(words[i + 1]):
            before = words[max(0, i - 4) : i]
            if any(_I.match(w) for w in before) and (
                words[i - 1] in ("ill", "id") or any(_WILL.match(w) for w in before)
            ):
                return True
    return False


# The writer's own laughter, or a story announced as funny: "lol", "😂", "хахах", "))", "Funny
# story", "смешная история". Not his laugh ("he laughed and said"), not "it sounds funny, but".
_TOLD_AS_JOKE = re.compile(
    r"\b(?:lol|lmao|rofl)\b|(?:ha){2,}|(?:ах){2,}|(?:ха){2,}|(?:ah){2,}|\){2,}|[😂🤣😅😆😁😜]"
    r"|\bfunny\s+(?:story|thing)|смешн\w*\s+истори|күлкілі\s+(?:оқиға|әңгіме)|анекдот",
    re.I,
)


def told_as_joke(text: str) -> bool:
    """The writer laughs, or tells the story as a joke: "lol", "😂", "Funny story"."""
    return bool(_TOLD_AS_JOKE.search(text))


# A negation just before a word of harm or threat ("не бьёт и не угрожает", "he never hit me",
# "doesn't hurt"), or Kazakh's "жоқ", "емес" just after it ("ұрған жоқ"): not that harm, said.
_NEGATION_BEFORE = re.compile(
    r"(?<!\w)(?:не|ne|not|never|doesn't|doesnt|didn't|didnt|don't|dont|ешқашан|eshkashan)\s+$",
    re.I,
)
_NEGATION_AFTER = re.compile(r"^\s+(?:жоқ|емес|zhok|jok|joq|zhoq|emes)(?!\w)", re.I)
NEGATABLE = frozenset(("harm", "threat"))


def negated(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is said not to happen: "он не бьёт"."""
    return bool(
        _NEGATION_BEFORE.search(text[max(0, start - 16) : start])
        or _NEGATION_AFTER.match(text[end : end + 8])
    )


# A hostile campaign's words.
_TROPE = _folded(
    "feminist* ngo ngos grant grants western liars hysteric* foreign* "
    "феминист* нко грант* запад* лгун* врут врёт истеричк* истерики иностран* иноагент* "
    "соросят* үеұ гранттар* грантқа батыс* өтірікші* жалақор*"
)


# Taking the children somewhere, not away: "take the kids to the zoo", "took our son to school".
_OUTING = re.compile(
    r"\b(?:take|takes|took|taking|taken)\s+(?:the\s+|our\s+|my\s+|his\s+|her\s+)?"
    r"(?:kids?|children|child|son|sons|daughters?|boys?|girls?|baby)\s+"
    r"(?:to|for\s+(?:a|the|an|ice|pizza|lunch|dinner|walk|swim))\b(?!\s+(?:my|his|her|their)\s+"
    r"(?:parents|mother|mom|family|village|relatives))",
    re.I,
)


def outing(text: str) -> bool:
    """The children taken to the zoo, to school, for a walk: "take" that is no taking away."""
    return bool(_OUTING.search(text))


# She says she is safe now, or no longer afraid: "we are safe", "I'm safe now", "мы в
# безопасности", "я больше не боюсь", "біз қауіпсізбіз", "qazir biz qauipsizbiz" (after the
# twelfth blind set, where stories of the danger over, a sentence served and a new flat were made
# urgent by ordinary sentences about the children and the night; in the labelled sets every one
# of 27 such sentences is in a calm story). Not said of someone else, not denied ("I am not
# safe", "қауіпсіз емес"), not asked, not for now ("safe for now", "пока", "әзірге"), and not
# with a "but" after it ("I'm safe now, but he found my address").
_SAFE = re.compile(
    r"\b(?:i|we)\s*(?:am|are|'m|'re|’m|’re|feel)?\s+(?:now\s+|finally\s+|completely\s+|really\s+"
    r"|totally\s+|all\s+)?safe\b"
    r"|\b(?:я|мы|ya|my)(?:\s+[^\s.,;:!?]+){0,3}?\s+(?:в|v)\s+(?:безопасности|bezopasnosti)\b"
    r"|(?:больше|уже|bol'?she|uzhe)\s+не\s+(?:боюсь|страшно)|\bbol'?she\s+ne\s+(?:boyus'?|strashno)"
    r"|\b(?:no\s+longer|not)\s+(?:afraid|scared)\s+any\s*more\b|\bno\s+longer\s+(?:afraid|scared)\b"
    r"|(?:қауіпсізбін|қауіпсізбіз|қауіпсіз\s+жердемін|қауіпсіз\s+жердеміз)"
    r"|\b(?:qauipsiz|kauipsiz|kauypsyz|qauıpsız)(?:bin|biz|byn|byz|bın|bız)\b"
    r"|енді\s+қорықпаймын|\bendi\s+(?:qoryqpaimyn|korykpaimyn|qoryqpaimın)",
    re.I,
)
_SAFE_NOT = re.compile(
    r"\b(?:not|never|don't|dont|do\s+not|won't|wasn't|isn't|aren't|un)\s*(?:really\s+|feel\s+)?safe"
    r"|\bне\s+(?:в|v)\s+безопасности|\bne\s+v\s+bezopasnosti"
    r"|қауіпсіз\w*\s+(?:емес|emes)|\bqauipsiz\w*\s+emes|\bkauipsiz\w*\s+emes",
    re.I,
)
_SAFE_BUT = re.compile(
    r"\b(?:for\s+now|until|yet|but|however|though|пока|но|однако|зато|бірақ|әзірге|уақытша|әлі"
    r"|biraq|birak|azirge|poka)\b",
    re.I,
)


def safe_now(text: str) -> bool:
    """She says she is safe now, or no longer afraid, and nothing in the sentence takes it back:
    "We are safe now.", "Мы в безопасности.", "Біз қауіпсізбіз." Not "I am not safe", "I'm safe
    for now", "I'm safe, but he knows where I live", "Am I safe?"."""
    found = _SAFE.search(text)
    if not found or "?" in text[found.end() : found.end() + 40] or _SAFE_NOT.search(text):
        return False
    return not _SAFE_BUT.search(text[found.end() :])


# He is serving a sentence: "he got 9 years", "was sentenced to 12 years", "he is in prison",
# "ему дали восемь лет", "осудили", "жеті жылға сотталды", "әлі түрмеде" (after the twelfth
# blind set; in the labelled sets every such sentence but one is in a calm story, and that one
# was ten days). Not when he comes out or writes from prison ("вышел", "түрмеден шығады",
# "released next week"), not days or months, and not with a "but" after it.
_JAILED = re.compile(
    r"\b(?:got|get|gets|given|sentenced\s+to|sentenced\s+\w+\s+\w+\s+to)\s+(?:\d+|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\b(?:\s+\w+)?\s+years?\b"
    r"|\b(?:is|is\s+still|he's|he\s+is|still|now)\s+in\s+(?:prison|jail)\b|\bwas\s+(?:convicted|sentenced)\b"
    r"|\b(?:дали|получил|присудили|посадили\s+на)\s+(?:\d+|\w+)\s+(?:лет|года?)\b"
    r"|\bего\s+осудили\b|\bсидит\s+в\s+(?:колонии|тюрьме)\b|\bотбывает\b"
    r"|жыл(?:ға)?\s+(?:сотталды|сотталған|алды)|\bсотталды\b|(?:әлі|қазір)\s+түрмеде|түрмеде\s+отыр"
    r"|\b(?:sottaldy|sottaldı)\b|\b(?:ali|äli|qazir|kazir)\s+(?:turmede|türmede)\b",
    re.I,
)
_OUT_OF_PRISON = re.compile(
    r"releas|\bout\b|parole|\bfrom\s+(?:prison|jail)|escap|вышел|выйдет|выходит|освобо|из\s+"
    r"(?:тюрьмы|колонии)|сут(?:ок|ки)|месяц|түрмеден|шығады|шықты|шыққан|босап|босады|türmeden"
    r"|turmeden|shyg|şyğ|bosap|month|days",
    re.I,
)


def jailed(text: str) -> bool:
    """He is serving a sentence now: "He got 9 years.", "Ему дали восемь лет, он сидит.",
    "Ол жеті жылға сотталды." Not "he comes out next week", "10 суток", "from prison he wrote"."""
    found = _JAILED.search(text)
    if not found or _OUT_OF_PRISON.search(text):
        return False
    return not _SAFE_BUT.search(text[found.end() :])


def readings(text: str, folded: Iterable[str], cues: frozenset[str] | set[str]) -> set[str]:
    """The cue kinds this sentence alone gives: "cond_idiom", "reported", "trope",
    "outing", "safe", "jailed"."""
    words = [word.lower() for word in folded]
    out = {"outing"} if "take" in cues and outing(text) else set()
    if safe_now(text):
        out.add("safe")
    if jailed(text):
        out.add("jailed")
    if any(_TROPE.match(word) for word in words):
        out.add("trope")
    if "kill" not in cues:
        return out
    # The messenger of a threat passed on is not its subject.
    relayed = any(_RELAYED.match(word) for word in words)
    everyday = not relayed and any(_EVERYDAY.match(word) for word in words)
    condition = any(
        _IF.match(word) or (len(word) >= 6 and _KK_CONDITIONAL.match(word)) for word in words
    )
    joke = bool(_JOKING.search(text))
    if (
        (everyday and (condition or joke)) or (joke and own_threat(words))
    ) and "weapon" not in cues:
        out.add("cond_idiom")
        return out
    said = any(_SAID.match(word) for word in words)
    aimed = bool(cues & {"me", "you"}) or any(_I_WILL_KILL.match(w) for w in words)
    # Told as past; "since last year he has threatened" goes on.
    then = ("past" in cues and not _SINCE.search(text)) or any(_THEN.match(w) for w in words)
    if said and aimed and not (everyday or then or "fiction" in cues or joke):
        out.add("reported")
    return out
