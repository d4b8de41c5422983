"""An employer's standing in plain words, for workers on every posting and offer (and for the employer itself).

The reasons come as [code, number] pairs written by rights.services.standing;
this module only puts them into words, so it reads no other table and costs
no query beyond the employer the page already holds.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from jobs.models import Employer

register = template.Library()

Standing = Employer.Standing

# A symbol beside the words, so the standing does not rest on colour alone; screen readers read the words.
_MARKERS = {Standing.GOOD: "✓", Standing.WATCH: "⚠", Standing.BLOCKED: "⛔"}


def _open_cases(count: int) -> str:
    return ngettext(
        "%(count)s claim by workers that the bureau found well founded is still open",
        "%(count)s claims by workers that the bureau found well founded are still open",
        count,
    ) % {"count": count}


def _arbitration(count: int) -> str:
    return ngettext(
        "%(count)s case went to labour arbitration in the last year",
        "%(count)s cases went to labour arbitration in the last year",
        count,
    ) % {"count": count}


def _recovered(count: int) -> str:
    return ngettext(
        "the bureau had to recover unpaid wages in %(count)s case in the last year",
        "the bureau had to recover unpaid wages in %(count)s cases in the last year",
        count,
    ) % {"count": count}


def _retention(percent: int) -> str:
    return _("only %(percent)s%% of workers placed there stayed 90 days") % {"percent": percent}


def _retention_30(percent: int) -> str:
    return _("only %(percent)s%% of workers placed there stayed the first month") % {"percent": percent}


def _retention_180(percent: int) -> str:
    return _("only %(percent)s%% of workers placed there stayed half a year") % {"percent": percent}


def _recovered_amount(yuan: int) -> str:
    return _("%(yuan)s yuan of unpaid wages had to be recovered in the last year") % {"yuan": f"{yuan:,}"}


_REASONS: dict[str, Callable[[int], str]] = {
    "open_cases": _open_cases,
    "arbitration": _arbitration,
    "recovered": _recovered,
    "retention": _retention,
    "retention_30": _retention_30,
    "retention_180": _retention_180,
    "recovered_amount": _recovered_amount,
}


def _label(standing: str) -> str:
    # The words the search results used before the reasons came: translated already, and short.
    if standing == Standing.WATCH:
        return _("Under watch")
    if standing == Standing.BLOCKED:
        return _("Blocked")
    return _("Good standing")


def reason_words(reasons: Iterable[object]) -> list[str]:
    """Each [code, number] pair the standing service wrote, in words; unknown or malformed pairs are left out."""
    words = []
    for pair in reasons or ():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        code, number = pair
        say = _REASONS.get(str(code))
        if say is not None and isinstance(number, int):
            words.append(say(number))
    return words


@dataclass(frozen=True)
class StandingLine:
    standing: str
    marker: str
    label: str
    reasons: str


def standing_line(employer: Employer) -> StandingLine:
    """The standing, its marker and why: the staff note when staff decided it, else the computed reasons."""
    standing = employer.standing if employer.standing in Standing.values else Standing.GOOD
    reasons = ""
    if standing != Standing.GOOD:
        if employer.standing_by_staff:
            note = employer.standing_note.strip().rstrip(".。")
            reasons = _("the bureau decided this: %(note)s") % {"note": note} if note else _("the bureau decided this")
        else:
            reasons = pgettext("between reasons in a sentence", "; ").join(reason_words(employer.standing_reasons))
    return StandingLine(standing=standing, marker=_MARKERS[Standing(standing)], label=_label(standing), reasons=reasons)


@register.inclusion_tag("jobs/_standing.html")
def employer_standing(employer: Employer) -> dict[str, object]:
    """One line: "Under watch — 2 claims by workers that the bureau found well founded are still open." """
    return {"line": standing_line(employer)}
