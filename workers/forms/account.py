"""Forms for the worker's own account: the confirmation before erasure."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal details will be erased and cannot be brought back."),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )
