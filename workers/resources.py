"""Spreadsheet columns of workers: the import of paper registrations, and the list export without ID numbers."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import pii
from accounts.models import User
from config.imports import (
    Column,
    ServiceResource,
    cell_choice,
    cell_codes,
    cell_date,
    cell_integer,
    cell_yes_no,
)
from workers.models import Worker
from workers.selectors import place_name
from workers.services.imports import worker_import

__all__ = ["WorkerResource"]


def _skills(value: Any) -> list[tuple[str, int]]:
    """Occupation codes, each with its years after a colon: "welder:5; electrician" (years 0 when left out)."""
    skills = []
    for item in cell_codes(value):
        code, _colon, years = item.partition(":")
        if years and not years.isdigit():
            raise ValidationError(
                _("Write each skill as an occupation code, optionally with years after a colon: welder:5."),
                code="skill_format",
            )
        skills.append((code.lower(), int(years or 0)))
    return skills


def _masked_name(worker: Worker) -> str:
    return str(_("(erased)")) if worker.deleted_at is not None else pii.mask_name(worker.real_name)


def _masked_phone(worker: Worker) -> str:
    return worker.user.masked_phone


def _age(worker: Worker) -> int | None:
    return worker.age_on(timezone.localdate())


_L = gettext_lazy
_COLUMNS = (
    Column("phone", _L("mobile number"), required=True),
    Column("consent_form", _L("number of the signed consent form"), required=True),
    Column("consent_processing", _L("consents to processing (yes or no)"), cell_yes_no, required=True),
    Column("consent_sharing", _L("consents to sharing with employers (yes or no)"), cell_yes_no, required=True),
    Column("real_name", _L("name as on the ID card"), required=True),
    Column("id_number", _L("resident ID number"), required=True),
    Column("hukou_county", _L("hukou county code"), required=True),
    Column(
        "skills",
        _L("skills"),
        _skills,
        help=_L("Occupation codes with years after a colon, separated by semicolons: welder:5; electrician:2"),
    ),
    Column("education", _L("education"), cell_choice(Worker.Education.choices)),
    Column("destinations", _L("where the worker will work"), cell_choice(Worker.Destinations.choices)),
    Column("provinces", _L("destination province codes"), cell_codes, help=_L("At most five, first choice first.")),
    Column("min_monthly_wage", _L("lowest monthly wage accepted (yuan)"), cell_integer),
    Column("available_from", _L("free to start from"), cell_date),
    Column("available_to", _L("free until"), cell_date),
    Column("poor_labourer", _L("declares being a registered poor labourer (yes or no)"), cell_yes_no),
)


class WorkerResource(ServiceResource):
    """Workers in and out of spreadsheets; ID numbers never leave, phones and names leave masked."""

    columns = _COLUMNS
    export_columns = (
        (_L("worker number"), lambda w: w.pk),
        (_L("name"), _masked_name),
        (_L("phone"), _masked_phone),
        (_L("gender"), lambda w: w.get_gender_display()),
        (_L("age"), _age),
        (_L("hukou county code"), lambda w: w.hukou_county_id),
        (_L("household registration (hukou) county"), lambda w: place_name(w.hukou_county)),
        (_L("status"), lambda w: w.get_status_display()),
        (_L("education"), lambda w: w.get_education_display()),
        (_L("skills"), lambda w: "; ".join(f"{s.occupation.code}:{s.years}" for s in w.skills.all())),
        (_L("where the worker will work"), lambda w: w.get_destinations_display()),
        (_L("destination province codes"), lambda w: "; ".join(d.province_id for d in w.destination_choices.all())),
        (_L("lowest monthly wage accepted (yuan)"), lambda w: w.min_monthly_wage),
        (_L("free to start from"), lambda w: w.available_from),
        (_L("free until"), lambda w: w.available_to),
        (_L("registered poor labourer"), lambda w: w.get_poor_labourer_display()),
        (_L("next sign-up step"), lambda w: w.get_signup_step_display()),
        (_L("created at"), lambda w: w.created_at),
    )
    preview_columns = (
        (_L("name"), _masked_name),
        (_L("ID number"), lambda w: w.masked_id_number),
        (_L("phone"), _masked_phone),
        (_L("hukou county code"), lambda w: w.hukou_county_id),
        (_L("status"), lambda w: w.get_status_display()),
    )

    class Meta(ServiceResource.Meta):
        model = Worker

    def row_save(self, *, data: dict[str, Any], user: User) -> Worker:
        return worker_import(
            staff=user,
            phone=data["phone"],
            consent_form=data["consent_form"],
            consent_processing=data["consent_processing"],
            consent_sharing=data["consent_sharing"],
            real_name=data["real_name"],
            id_number=data["id_number"],
            hukou_county=data["hukou_county"],
            skills=data["skills"],
            education=data["education"] or "",
            destinations=data["destinations"] or "",
            provinces=data["provinces"],
            min_monthly_wage=data["min_monthly_wage"],
            available_from=data["available_from"],
            available_to=data["available_to"],
            poor_labourer=data["poor_labourer"],
        )
