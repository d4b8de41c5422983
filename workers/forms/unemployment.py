"""The unemployment registration form: county, why there, last employer.

The rules that need the worker (a hukou basis needs the hukou county, one
open registration at a time) live in the service, which names the field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from reference.forms import RegionField, RegionRefreshFormMixin
from reference.models import Region
from workers.models import UnemploymentRegistration


class UnemploymentRegistrationForm(RegionRefreshFormMixin, forms.Form):
    region = RegionField(
        label=_("County where you register"),
        level=Region.Level.COUNTY,
        help_text=_("Where you live, work or pay social insurance: it need not be your hukou county."),
    )
    basis = forms.ChoiceField(
        label=_("Why here?"),
        choices=UnemploymentRegistration.Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you register in this county.")},
    )
    last_employer = forms.CharField(
        label=_("Last employer (if any)"),
        required=False,
        max_length=128,
        help_text=_("The company you last worked for. It helps the bureau find you similar work."),
    )
