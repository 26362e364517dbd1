import pytest

from moderation.screeners import abuse, spam


def strong(findings) -> bool:
    return any(f.severity >= 3 for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Feminist bitches deserve what they get. Go back to the kitchen.",
        "Все эти феминистки врут ради денег и разрушают семьи.",
        "Бұл феминисткалардың бәрі өтірік айтады, отбасыларды бұзады.",
        "Vse feministki vrut, sami vinovaty.",
        "Women lie about abuse to get money. The NGOs should be shut down.",
    ],
)
def test_hostility_to_survivors_is_strong(text):
    assert strong(abuse.screen(text, ""))


def test_a_quoted_insult_in_a_story_is_shown_but_not_strong():
    text = "Он называл меня сукой при детях, и я молчала, потому что боялась."
    findings = abuse.screen(text, "ru")
    assert [f.kind for f in findings] == ["insult"]
    assert not strong(findings)


def test_russian_mat_is_found_inflected():
    findings = abuse.screen("Он орал: заебала, пиздец тебе.", "ru")
    assert {f.kind for f in findings} == {"obscene"}


def test_a_text_thick_with_abuse_is_strong():
    assert strong(abuse.screen("сука сука тварь шлюха дура", "ru"))


def test_a_plain_story_has_no_abuse():
    assert abuse.screen("My husband shouted at me every night and I was afraid.", "en") == []


@pytest.mark.parametrize(
    "text",
    [
        "Best loans online! Visit http://cash.biz http://cash.biz http://cash.biz now",
        "asdkjh qwelkj zxmcnb asdlkqw eoiruty zmxncb qpwoei alskdj zmxnc",
        "Заработок от 500 000 тенге в день!!! Пиши в телеграм https://t.me/x https://t.me/x",
        "WIN WIN WIN WIN WIN WIN WIN",
        "Тегін ақша!!! Тіркел https://bit.ly/a https://bit.ly/a",
    ],
)
def test_spam_is_strong(text):
    assert strong(spam.screen(text, ""))


@pytest.mark.parametrize(
    "text",
    [
        "He shouted: no, no, no! I ran to my neighbour and called my sister.",
        "Муж кричал на меня каждую ночь, и я боялась возвращаться домой.",
        "Ол мені ұрды. Мен үйден кетіп, анама бардым.",
        "Onyn aty Daulet, ol meni kunde qorqytatyn. Bes zhyldan keiin kettim.",
        "I wrote about it on my blog https://notes.kz/diary, then deleted it.",
    ],
)
def test_stories_are_not_spam(text):
    assert not strong(spam.screen(text, ""))


@pytest.mark.parametrize(
    "text",
    [
        "Свекровь говорила, что я сама виновата, и я ей верила.",
        "For years I believed I deserved it. I did not.",
        "Енем мені өзі кінәлі деп айтатын.",
    ],
)
def test_victim_blaming_a_survivor_quotes_is_shown_but_not_strong(text):
    findings = abuse.screen(text, "")
    assert [f.kind for f in findings] == ["victim_blaming"]
    assert not strong(findings)
