"""Forms of the employer pages: registration, sites and members. The services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.models import Employer, EmployerMember
from reference.forms import RegionField, RegionRefreshFormMixin
from reference.models import Region


def _phone_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"})


class RegisterForm(RegionRefreshFormMixin, forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=128, help_text=_("As on the business licence."))
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, on the business licence."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    region = RegionField(
        label=_("Where the company is registered"),
        level=Region.Level.COUNTY,
        allow_shallower=True,
        help_text=_("The county if you know it; the city is enough."),
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=Employer.Industry.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64)
    contact_phone = forms.CharField(
        label=_("Contact mobile number"),
        max_length=20,
        help_text=_("Workers do not see it until they are matched with a job."),
        widget=_phone_input(),
    )


class SiteForm(RegionRefreshFormMixin, forms.Form):
    name = forms.CharField(label=_("Site name"), max_length=128, help_text=_("For example: Chang'an plant no. 1."))
    address = forms.CharField(label=_("Address"), max_length=255)
    county = RegionField(label=_("County or district of the site"), level=Region.Level.COUNTY)


class MemberForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number of the new member"),
        max_length=20,
        help_text=_("They log in with this number and a code sent by text message."),
        widget=_phone_input(),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=EmployerMember.Role.choices,
        initial=EmployerMember.Role.RECRUITER,
        help_text=_("Recruiters post jobs; owners also manage the company and its members."),
    )
