from django import forms
from django.utils.translation import gettext_lazy as _

from figures.questions import BY_KEY, PREFER_NOT, QUESTIONS
from testimony import intake
from testimony.models import Consent, Region

_NO_LEARNING = {
    "autocomplete": "off",
    "autocorrect": "off",
    "autocapitalize": "sentences",
    "spellcheck": "false",
}


class StoryForm(forms.Form):
    text = forms.CharField(
        label=_("Your story"),
        strip=False,
        error_messages={"required": intake.EMPTY_STORY},
        widget=forms.Textarea(attrs={"rows": 12, **_NO_LEARNING}),
        help_text=_(
            "Please leave out names, addresses, phone numbers and other details "
            "that could identify you or anyone else."
        ),
    )
    region = forms.ChoiceField(
        label=_("Region (optional)"),
        choices=[("", _("I prefer not to say"))] + list(Region.choices),
        required=False,
        error_messages={"invalid_choice": intake.UNKNOWN_REGION},
    )
    consent = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Consent.choices,
        widget=forms.RadioSelect,
        initial=Consent.WALL,
        error_messages={"required": intake.NO_CONSENT, "invalid_choice": intake.UNKNOWN_CONSENT},
    )

    def answers(self) -> dict:
        """Her optional answers, as the doors hand them to figures.questions.answers_parse."""
        return {q.key: self.cleaned_data.get(q.key) or None for q in QUESTIONS}


def _question_field(question) -> forms.Field:
    if question.many:
        return forms.MultipleChoiceField(
            label=question.label,
            choices=question.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.ChoiceField(
        label=question.label,
        choices=[("", PREFER_NOT), *question.choices],
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )


for _key in BY_KEY:  # the optional questions, after the story (frontend/_questions.html)
    StoryForm.base_fields[_key] = _question_field(BY_KEY[_key])


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=100,
        error_messages={"required": _("Please enter your receipt code.")},
        widget=forms.TextInput(attrs={**_NO_LEARNING, "autocapitalize": "characters"}),
    )


class RegionForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Your region"),
        choices=[("", _("All of Kazakhstan"))] + list(Region.choices),
        required=False,
    )
