"""Forms for phone login and assisted access: input checks only, no writes."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.models import AssistanceGrant

_CODE = re.compile(r"\d{6}")


def _phone_widget(**attrs: str | bool) -> forms.TextInput:
    # inputmode=numeric brings up the digit keypad on cheap Android phones,
    # which type=tel alone does not always do.
    return forms.TextInput(
        attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": "20", **attrs}
    )


def _code_widget() -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": "6",
            "pattern": "[0-9]*",
            "autofocus": True,
        }
    )


def _clean_code(value: str) -> str:
    code = re.sub(r"\s", "", value or "")
    if not _CODE.fullmatch(code):
        raise forms.ValidationError(_("Enter the 6 digits from the text message."), code="invalid_code")
    return code


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_("A 6-digit code will be sent to this number by text message."),
        max_length=20,
        widget=_phone_widget(autofocus=True),
    )

    def clean_phone(self) -> str:
        return pii.normalize_phone(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code from the text message"),
        help_text=_("6 digits. The code works once and only for a few minutes."),
        max_length=12,
        widget=_code_widget(),
    )

    def clean_phone(self) -> str:
        return pii.normalize_phone(self.cleaned_data["phone"])

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])


class AssistPhoneForm(forms.Form):
    worker_phone = forms.CharField(
        label=_("Worker's mobile number"),
        help_text=_("The number the worker uses. If they have no account yet, one is made for them."),
        max_length=20,
        widget=_phone_widget(autocomplete="off"),
    )
    consent_method = forms.ChoiceField(
        label=_("How does the worker give consent?"),
        choices=AssistanceGrant.ConsentMethod.choices,
        initial=AssistanceGrant.ConsentMethod.SMS_CODE,
        widget=forms.RadioSelect,
    )

    def clean_worker_phone(self) -> str:
        return pii.normalize_phone(self.cleaned_data["worker_phone"])


class AssistConsentForm(forms.Form):
    worker_phone = forms.CharField(widget=forms.HiddenInput)
    consent_method = forms.ChoiceField(choices=AssistanceGrant.ConsentMethod.choices, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code the worker reads out"),
        help_text=_("The worker received it by text message."),
        max_length=12,
        required=False,
        widget=_code_widget(),
    )
    form_reference = forms.CharField(
        label=_("Consent form number"),
        help_text=_("The number printed on the paper form the worker signed."),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agreed = forms.BooleanField(label=_("The worker has heard the statement above and agrees to it."))

    def clean_worker_phone(self) -> str:
        return pii.normalize_phone(self.cleaned_data["worker_phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        method = cleaned.get("consent_method")
        if method == AssistanceGrant.ConsentMethod.SMS_CODE and "code" not in self.errors:
            try:
                cleaned["code"] = _clean_code(cleaned.get("code", ""))
            except forms.ValidationError as error:
                self.add_error("code", error)
        if method == AssistanceGrant.ConsentMethod.SIGNED_FORM and not cleaned.get("form_reference", "").strip():
            self.add_error("form_reference", _("Enter the number printed on the signed consent form."))
        return cleaned

    @property
    def uses_code(self) -> bool:
        method = self["consent_method"].value()
        return method != AssistanceGrant.ConsentMethod.SIGNED_FORM
