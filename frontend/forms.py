from django import forms
from django.utils.translation import gettext_lazy as _

from figures.questions import BY_KEY, PREFER_NOT, QUESTIONS
from testimony import intake, receipts
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


# Eight words of the longest Kazakh ones, numbered and punctuated as a note may be, fit.
RECEIPT_MAX_CHARS = 300
_RECEIPT_TYPING = {**_NO_LEARNING, "autocapitalize": "none", "rows": 3}


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=RECEIPT_MAX_CHARS,
        error_messages={"required": _("Please enter your receipt.")},
        widget=forms.Textarea(attrs=_RECEIPT_TYPING),  # a list pasted from a note keeps its lines
    )


class ReceiptCheckForm(forms.Form):
    """The confirmation page's "check that you saved it": what she typed, and what was shown."""

    typed = forms.CharField(
        label=_("Your receipt, as you saved it"),
        max_length=RECEIPT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs=_RECEIPT_TYPING),
    )
    shown = forms.CharField(max_length=RECEIPT_MAX_CHARS, widget=forms.HiddenInput)
    danger = forms.BooleanField(required=False, widget=forms.HiddenInput)
    region = forms.ChoiceField(
        choices=[("", "")] + list(Region.choices), required=False, widget=forms.HiddenInput
    )

    def clean_shown(self):
        shown = self.cleaned_data["shown"]
        canonical = receipts.normalize(shown)
        if canonical is None or len(canonical) != receipts.GROUPS * receipts.GROUP_LEN:
            raise forms.ValidationError("not a receipt of the current format")
        return shown


class RegionForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Your region"),
        choices=[("", _("All of Kazakhstan"))] + list(Region.choices),
        required=False,
    )
