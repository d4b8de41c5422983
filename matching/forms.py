"""The two answers a page asks for: why a worker declines, and whether a worker arrived."""

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import Offer


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you say no?"),
        choices=[("", _("Choose a reason")), *Offer.DeclineReason.choices],
        error_messages={"required": _("Choose a reason from the list.")},
    )


class ArrivalForm(forms.Form):
    YES, NO = "yes", "no"

    arrived = forms.ChoiceField(choices=[(YES, _("Arrived")), (NO, _("Did not arrive"))])

    @property
    def has_arrived(self) -> bool:
        return self.cleaned_data["arrived"] == self.YES
