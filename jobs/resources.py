"""Spreadsheet columns of job postings: the import a receiving city's bureau fills in, and the list export."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import pii
from accounts.models import User
from config.imports import (
    Column,
    ServiceResource,
    cell_choice,
    cell_date,
    cell_decimal,
    cell_integer,
    cell_text,
    cell_yes_no,
)
from jobs.models import JobPosting
from jobs.services.imports import posting_import
from reference.models import Occupation

__all__ = ["JobPostingResource"]


def _occupation(value: Any) -> Occupation | None:
    code = cell_text(value).lower()
    if not code:
        return None
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise ValidationError(_("No occupation has this code."), code="occupation_unknown")
    return occupation


def _masked_phone(posting: JobPosting) -> str:
    return pii.mask_phone(posting.contact_phone) if posting.contact_phone else ""


_L = gettext_lazy
_COLUMNS = (
    Column("employer_uscc", _L("employer's unified social credit code"), required=True),
    Column("site", _L("site number or name"), required=True),
    Column("occupation", _L("occupation code"), _occupation, required=True),
    Column("title", _L("job title"), required=True),
    Column("kind", _L("kind"), cell_choice(JobPosting.Kind.choices)),
    Column("headcount", _L("people needed"), cell_integer, required=True),
    Column("start_date", _L("start date"), cell_date, required=True),
    Column("contract_months", _L("contract length (months)"), cell_integer, required=True),
    Column("wage_type", _L("how pay is counted"), cell_choice(JobPosting.WageType.choices), required=True),
    Column("wage_rate", _L("rate (yuan)"), cell_decimal, required=True),
    Column("expected_monthly", _L("expected monthly pay before deductions (yuan)"), cell_integer),
    Column("overtime_rules", _L("overtime rules")),
    Column("probation_months", _L("probation (months)"), cell_integer),
    Column("deduction_dormitory", _L("dormitory deduction (yuan a month)"), cell_integer),
    Column("deduction_meals", _L("meals deduction (yuan a month)"), cell_integer),
    Column("deduction_other", _L("other deductions (yuan a month)"), cell_integer),
    Column("deduction_other_note", _L("what the other deductions are")),
    Column("housing_provided", _L("housing provided (yes or no)"), cell_yes_no),
    Column("meals_provided", _L("meals provided (yes or no)"), cell_yes_no),
    Column("transport", _L("transport"), cell_choice(JobPosting.Transport.choices)),
    Column("transport_subsidy", _L("travel subsidy (yuan)"), cell_integer),
    Column("skills_required", _L("skills required")),
    Column("years_required", _L("years of experience required"), cell_integer),
    Column("certificate_required", _L("certificate required")),
    Column("trainees_accepted", _L("trainees accepted (yes or no)"), cell_yes_no),
    Column("training_offered", _L("on-the-job training")),
    Column("hours_per_day", _L("hours a day"), cell_decimal, required=True),
    Column("days_per_week", _L("days a week"), cell_integer, required=True),
    Column("safety_equipment", _L("safety equipment provided")),
    Column("description", _L("more about the job")),
    Column("contact_name", _L("contact person"), required=True),
    Column("contact_phone", _L("contact mobile number"), required=True),
)


class JobPostingResource(ServiceResource):
    """Postings in and out of spreadsheets; imported ones wait for the bureau's approval."""

    columns = _COLUMNS
    export_columns = (
        (_L("posting number"), lambda p: p.pk),
        (_L("job title"), lambda p: p.title),
        (_L("employer"), lambda p: p.employer.name),
        (_L("employer's unified social credit code"), lambda p: p.employer.uscc),
        (_L("site"), lambda p: p.site.name),
        (_L("county code"), lambda p: p.county_id),
        (_L("occupation code"), lambda p: p.occupation.code),
        (_L("kind"), lambda p: p.get_kind_display()),
        (_L("status"), lambda p: p.get_status_display()),
        (_L("people needed"), lambda p: p.headcount),
        (_L("positions filled"), lambda p: p.filled_count),
        (_L("start date"), lambda p: p.start_date),
        (_L("contract length (months)"), lambda p: p.contract_months),
        (_L("how pay is counted"), lambda p: p.get_wage_type_display()),
        (_L("rate (yuan)"), lambda p: p.wage_rate),
        (_L("expected monthly pay before deductions (yuan)"), lambda p: p.expected_monthly),
        (_L("deductions (yuan a month)"), lambda p: p.deductions),
        (_L("net monthly pay (yuan)"), lambda p: p.net_monthly),
        (_L("housing provided"), lambda p: p.housing_provided),
        (_L("meals provided"), lambda p: p.meals_provided),
        (_L("transport"), lambda p: p.get_transport_display()),
        (_L("travel subsidy (yuan)"), lambda p: p.transport_subsidy),
        (_L("hours a day"), lambda p: p.hours_per_day),
        (_L("days a week"), lambda p: p.days_per_week),
        (_L("contact person"), lambda p: p.contact_name),
        (_L("contact phone"), _masked_phone),
        (_L("flags"), lambda p: len(p.review_flags or [])),
        (_L("submitted at"), lambda p: p.submitted_at),
        (_L("published at"), lambda p: p.published_at),
    )
    preview_columns = (
        (_L("job title"), lambda p: p.title),
        (_L("employer"), lambda p: p.employer.name),
        (_L("site"), lambda p: p.site.name),
        (_L("occupation"), lambda p: p.occupation.code),
        (_L("people needed"), lambda p: p.headcount),
        (_L("start date"), lambda p: p.start_date),
        (_L("expected monthly pay before deductions (yuan)"), lambda p: p.expected_monthly),
        (_L("net monthly pay (yuan)"), lambda p: p.net_monthly),
        (_L("contact phone"), _masked_phone),
        (_L("status"), lambda p: p.get_status_display()),
        (_L("flags for the bureau"), lambda p: " ".join(flag.get("message", "") for flag in p.review_flags or [])),
    )

    class Meta(ServiceResource.Meta):
        model = JobPosting

    def row_save(self, *, data: dict[str, Any], user: User) -> JobPosting:
        fields = {key: value for key, value in data.items() if key not in ("employer_uscc", "site", "contact_phone")}
        posting = posting_import(
            staff=user,
            employer_uscc=data["employer_uscc"],
            site=data["site"],
            contact_phone=data["contact_phone"],
            data=fields,
        )
        # net_monthly is computed by the database; the preview shows it.
        posting.refresh_from_db(fields=["net_monthly"])
        return posting
