"""Rights on other apps' pages: the worker home's wage check-in card, and a case's stage in plain words.

The workers app may not import rights, so its home page loads this library.
"""

from datetime import date

from django import template
from django.template.context import Context
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.models import Offer
from rights import services
from rights.models import Case, WageCheckin, month_span
from workers.models import Worker

register = template.Library()

HOME_CASES = 3
# The national labour-inspection hotline, for workers who need help beyond the site.
WAGE_HOTLINE = "12333"

STAGE_HELP: dict[str, Promise] = {
    Case.Status.RECEIVED: _(
        "The bureau has your case. A caseworker in your home county or where you work takes it within 3 days."
    ),
    Case.Status.ASSIGNED: _(
        "A caseworker has your case. They will call you and ask the employer for the contract, "
        "attendance and pay records."
    ),
    Case.Status.INVESTIGATING: _(
        "The bureau is checking the facts with the employer. Send any new papers or photos below."
    ),
    Case.Status.MEDIATION: _(
        "The bureau is helping you and the employer agree on what is paid and when. Nothing is agreed without you."
    ),
    Case.Status.RECOVERED: _(
        "Money was recovered for you. Check the amount and day below; tell the bureau if it is wrong."
    ),
    Case.Status.ARBITRATION: _(
        "The case went to the labour dispute arbitration committee. The bureau tells you what to bring and helps you."
    ),
    Case.Status.CLOSED: _("The case is closed. The reason is in the steps below."),
}


@register.simple_tag
def months(first: date | None, last: date | None) -> str:
    """The months a case or claim is about: `{% months case.period_start case.period_end %}`."""
    return month_span(first, last)


@register.filter
def stage_help(case: Case) -> str:
    """What the case's current stage means for the worker, in plain words."""
    return str(STAGE_HELP.get(case.status, ""))


@register.inclusion_tag("rights/_checkin.html", takes_context=True)
def wage_checkin(context: Context, worker: Worker) -> dict[str, object]:
    """The home card: last month's "were you paid?" question, the worker's open cases, and a way to report."""
    due = services.checkin_due(worker=worker)
    cases = list(
        Case.objects.filter(worker=worker, status__in=Case.OPEN)
        .select_related("employer")
        .order_by("-created_at", "-id")[: HOME_CASES + 1]
    )
    placed = due is not None or Offer.objects.filter(worker=worker, status=Offer.Status.PLACED).exists()
    return {
        "due": due,
        "cases": cases[:HOME_CASES],
        "more_cases": len(cases) > HOME_CASES,
        "placed": placed,
        "answers": WageCheckin.Answer,
        "hotline": WAGE_HOTLINE,
        "csrf_token": context.get("csrf_token"),
    }
