from django import forms
from django.utils.translation import gettext_lazy as _

from testimony import receipts
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
    )
    consent = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Consent.choices,
        widget=forms.RadioSelect,
        initial=Consent.WALL,
    )


# Eight words of the longest Kazakh ones, numbered and punctuated as a note may be, fit.
RECEIPT_MAX_CHARS = 300
_RECEIPT_TYPING = {**_NO_LEARNING, "autocapitalize": "none", "rows": 3}


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=RECEIPT_MAX_CHARS,
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
