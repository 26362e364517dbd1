"""The optional questions asked after a story, their answers as slugs, and the one parser
every door uses (the tell form, the kiosk, the API): unknown keys or values are refused.

Every question may be left out ("prefer not to say"): a missing key and `null` mean the same.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Question:
    key: str
    label: object
    choices: tuple[tuple[str, object], ...]
    many: bool = False  # several values allowed (the forms of violence)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.choices)

    def label_of(self, value: str | None):
        return dict(self.choices).get(value, PREFER_NOT)


PREFER_NOT = _("Prefer not to say")

QUESTIONS: tuple[Question, ...] = (
    Question(
        "relation",
        _("Who did it?"),
        (
            ("husband", _("Husband or partner")),
            ("former", _("Former husband or partner")),
            ("parent", _("Father or mother")),
            ("relative", _("Another relative")),
            ("other", _("Someone else")),
        ),
    ),
    Question(
        "forms",
        _("What kinds of violence? (choose any)"),
        (
            ("physical", pgettext_lazy("violence", "Physical")),
            ("psychological", pgettext_lazy("violence", "Psychological")),
            ("sexual", pgettext_lazy("violence", "Sexual")),
            ("economic", pgettext_lazy("violence", "Economic")),
        ),
        many=True,
    ),
    Question(
        "age_band",
        _("Your age"),
        (
            ("under18", _("Under 18")),
            ("18-24", "18–24"),
            ("25-34", "25–34"),
            ("35-44", "35–44"),
            ("45-59", "45–59"),
            ("60plus", _("60 or older")),
        ),
    ),
    Question(
        "police",
        _("Did you go to the police, and what happened?"),
        (
            ("none", _("I did not go")),
            ("nothing", _("I went; nothing happened")),
            ("reconcile", _("I went; they urged us to reconcile")),
            ("order", _("I went; a protection order was issued")),
            ("case", _("I went; a case was opened")),
        ),
    ),
    Question(
        "knew_help",
        _("Did you know where to get help?"),
        (("yes", _("Yes")), ("no", _("No"))),
    ),
)
BY_KEY = {question.key: question for question in QUESTIONS}


@dataclass(frozen=True)
class Answers:
    """What she chose; None (or an empty tuple of forms) is "prefer not to say"."""

    relation: str | None = None
    forms: tuple[str, ...] = field(default_factory=tuple)
    age_band: str | None = None
    police: str | None = None
    knew_help: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.relation, self.forms, self.age_band, self.police, self.knew_help))

    def value_of(self, key: str):
        return getattr(self, key)


class AnswersInvalid(ValueError):
    """Unknown keys or values: `errors` maps each bad key to its messages (in her language)."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(errors)
        self.errors = errors


UNKNOWN_QUESTION = _("There is no such question.")
UNKNOWN_ANSWER = _("This is not one of the answers to this question.")
NOT_AN_OBJECT = _("The answers must be an object of questions and answers.")


def answers_parse(raw) -> Answers:
    """Answers from a door's data: a mapping of question keys to slugs (a list for `forms`).

    Raises AnswersInvalid, naming every unknown key and value, so nothing is stored."""
    if raw is None:
        return Answers()
    if not isinstance(raw, dict):
        raise AnswersInvalid({"answers": [NOT_AN_OBJECT]})
    errors: dict[str, list] = {}
    chosen: dict[str, object] = {}
    for key, value in raw.items():
        question = BY_KEY.get(key) if isinstance(key, str) else None
        if question is None:
            errors[str(key)] = [UNKNOWN_QUESTION]
            continue
        if value is None or value == "" or value == []:
            continue
        if question.many:
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) and v in question.values for v in values):
                errors[key] = [UNKNOWN_ANSWER]
                continue
            chosen[key] = tuple(v for v in question.values if v in values)  # one order
        elif isinstance(value, str) and value in question.values:
            chosen[key] = value
        else:
            errors[key] = [UNKNOWN_ANSWER]
    if errors:
        raise AnswersInvalid(errors)
    return Answers(**chosen)
