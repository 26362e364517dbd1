import pytest

from moderation.screeners import danger


def kinds(text: str) -> set[str]:
    return {f.kind for f in danger.screen(text, "")}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A threat to her life, in all three languages and both scripts, inflected.
        ("He said he will kill me if I leave.", "threat"),
        ("Он сказал, что убьёт меня, если я уйду.", "threat"),
        ("Он грозился, что прибьёт, если я расскажу.", "threat"),
        ("On skazal chto ub'yet menya.", "threat"),
        ("Ол мені өлтіремін деді.", "threat"),
        ("Ol meni öltıremın dedı.", "threat"),
        # Self-harm and suicide.
        ("Sometimes I think about ending my life.", "self_harm"),
        ("Я больше не хочу жить.", "self_harm"),
        ("Ya dumayu o samoubiystve.", "self_harm"),
        ("Енді өмір сүргім келмейді.", "self_harm"),
        ("Keide ozimdi ozim oltirgim keledi.", "self_harm"),
        # A child at risk.
        ("He beats our son with a belt.", "child_at_risk"),
        ("Он избивает дочь, когда пьёт.", "child_at_risk"),
        ("Ол ұлымды белбеумен ұрады.", "child_at_risk"),
        # Nowhere to go tonight.
        ("Tonight I have nowhere to go.", "nowhere_to_go"),
        ("Сегодня мне негде ночевать.", "nowhere_to_go"),
        ("Бүгін түнде баратын жерім жоқ.", "nowhere_to_go"),
    ],
)
def test_danger_signs(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I killed time at the station, waiting for the last train.",
        "Я убивала время на вокзале и ждала электричку.",
        "Ол балалардың алдында мені ұрды, бірақ қазір біз қауіпсіз жердеміз.",
        "I left him two years ago and now I live with my sister in peace.",
        "Мы развелись, теперь у меня своя квартира и работа.",
    ],
)
def test_no_danger_where_there_is_none(text):
    assert kinds(text) == set()


def test_every_danger_finding_is_high_and_says_which_rule():
    (finding,) = danger.screen("Он сказал, что убьёт меня.", "ru")
    assert finding.severity == 3
    assert finding.detail.startswith("danger: ru: ")


def test_one_finding_where_rules_overlap():
    # "өлтір-" is also a threat stem: the self-harm rule names the finding.
    findings = danger.screen("Кейде өзімді-өзім өлтіргім келеді.", "kk")
    assert [f.kind for f in findings] == ["self_harm"]
