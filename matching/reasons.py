"""The matcher's score components as short lines a person can read.

An offer keeps both sides' scores as dicts of components (matching.candidates
fills them): what the job is worth to the worker in yuan a month, and why the
worker suits the job in points. The pages show those dicts as sentences, so
nobody has to trust an unexplained number. Components that say nothing
(zero bonuses, the seniority tie-breaker) give no line.
"""

from collections.abc import Mapping

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.candidates import (
    CERTIFICATE_POINTS,
    EXPERIENCE_CAP_YEARS,
    EXPERIENCE_POINTS_PER_YEAR,
    HOME_PREFECTURE_BONUS,
)
from matching.models import Offer

# Certificate points by national skill level: 1 (senior technician) ... 5 (junior), 0 any other certificate.
_OTHER, _SENIOR_TECHNICIAN, _TECHNICIAN, _SENIOR, _INTERMEDIATE, _JUNIOR = CERTIFICATE_POINTS


def _yuan(amount: float, *, step: int = 1) -> str:
    """An amount rounded to `step` yuan, grouped as the language writes numbers (4,300)."""
    return number_format(round(amount / step) * step, force_grouping=True)


def _number(reasons: Mapping[str, object], key: str) -> float:
    value = reasons.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def worker_reason_lines(reasons: Mapping[str, object], *, province: str = "") -> list[str]:
    """Why the job suits the worker, one line per component; `province` names the job's province."""
    lines = []
    if "net_pay" in reasons:
        pay = _yuan(_number(reasons, "net_pay"), step=10)
        lines.append(_("About %(amount)s yuan a month after deductions") % {"amount": pay})
    housing = _number(reasons, "housing")
    if housing > 0:
        lines.append(_("Housing provided: worth about %(amount)s yuan a month") % {"amount": _yuan(housing)})
    if "travel" in reasons:
        travel = -_number(reasons, "travel")
        if round(travel) > 0:
            lines.append(_("Trip cost about %(amount)s yuan a month over the contract") % {"amount": _yuan(travel)})
        else:
            lines.append(_("The trip costs you nothing"))
    preference = _number(reasons, "preference")
    if preference >= HOME_PREFECTURE_BONUS:
        lines.append(_("Close to home: in your home prefecture"))
        preference -= HOME_PREFECTURE_BONUS
    if preference > 0:
        lines.append(_("You chose %(province)s") % {"province": province} if province else _("A province you chose"))
    if _number(reasons, "standing") < 0:
        lines.append(_("Employer on the bureau's watch list"))
    return lines


def posting_reason_lines(reasons: Mapping[str, object], *, occupation: str = "") -> list[str]:
    """Why the worker suits the job, one line per component; `occupation` names the job's trade."""
    lines = []
    years = round(_number(reasons, "experience") / EXPERIENCE_POINTS_PER_YEAR)
    if years >= EXPERIENCE_CAP_YEARS:
        lines.append(
            _("%(occupation)s: %(years)d years of experience or more") % {"occupation": occupation, "years": years}
            if occupation
            else _("%(years)d years of experience or more") % {"years": years}
        )
    elif years > 0:
        if occupation:
            line = ngettext(
                "%(occupation)s: %(years)d year of experience", "%(occupation)s: %(years)d years of experience", years
            )
        else:
            line = ngettext("%(years)d year of experience", "%(years)d years of experience", years)
        lines.append(line % {"occupation": occupation, "years": years})
    certificate = _certificate_line(round(_number(reasons, "certificate")))
    if certificate:
        lines.append(certificate)
    if _number(reasons, "priority") > 0:
        lines.append(_("Registered poor labourer (priority)"))
    if _number(reasons, "cohort") > 0:
        lines.append(_("Comes with a group from home"))
    return lines


def _certificate_line(points: int) -> str:
    return {
        _SENIOR_TECHNICIAN: _("Senior technician certificate"),
        _TECHNICIAN: _("Technician certificate"),
        _SENIOR: _("Senior certificate"),
        _INTERMEDIATE: _("Intermediate certificate"),
        _JUNIOR: _("Junior certificate"),
        _OTHER: _("A certificate in this trade"),
    }.get(points, "")


def offer_worker_lines(offer: Offer) -> list[str]:
    """The worker's lines of an offer, with the posting's province named (posting.county's parents loaded)."""
    county = offer.posting.county
    prefecture = county.parent if county.parent_id else None
    province = prefecture.parent if prefecture is not None and prefecture.parent_id else None
    return worker_reason_lines(offer.worker_reasons, province=province.name if province else "")


def offer_posting_lines(offer: Offer) -> list[str]:
    """The employer's lines of an offer, with the posting's occupation named."""
    return posting_reason_lines(offer.posting_reasons, occupation=offer.posting.occupation.name)
