"""The offer-sheet rules: what a job posting may not say or promise.

Every rule is a pure function of an (unsaved or saved) posting: it reads
reference data but writes nothing, and returns findings. A finding either
refuses the posting ("refuse": the employer must change it) or flags it for a
person at the bureau ("flag": it may still be published after review).

Fee wording. Charging a worker for the chance of a job is unlawful, so a
plain request for a deposit, a guarantee, a registration or agency fee, or
holding the worker's ID card, refuses the posting. Wording that is often
innocent or needs context (work clothes, a health check, training, "ID card"
on its own) is flagged, and so is a refusing phrase that follows a negation
("无押金", "no deposit"), since the ad may be saying the right thing.

Discrimination. Restricting a job by gender, ethnicity or hukou origin is
refused with the phrase quoted. Bare words that are often part of a
restriction but also of a welcome ("男女不限", "欢迎少数民族") are flagged.

The phrase lists below are data: bureau staff review the flag list from the
console's flagged postings and propose additions; a phrase moves to a refuse
list only once it has never been seen in an innocent posting.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _

from jobs.models import JobPosting
from reference.selectors import legal_minimum_wage

# Data ---------------------------------------------------------------------------

# Deductions above this share of the expected monthly pay are flagged; the form states it.
DEDUCTION_SHARE_LIMIT = Decimal("0.3")
HEADCOUNT_MIN, HEADCOUNT_MAX = 1, 5000
CONTRACT_MONTHS_MIN, CONTRACT_MONTHS_MAX = 1, 60
HOURS_PER_DAY_MAX = Decimal("12")
DAYS_PER_WEEK_MAX = 7

# Free-text fields the wording rules read, in the order their findings are listed.
TEXT_FIELDS = (
    "title",
    "description",
    "overtime_rules",
    "skills_required",
    "training_offered",
    "deduction_other_note",
)

# A fee asked of the worker: refused outright.
FEE_REFUSE_PHRASES = (
    "押金",
    "保证金",
    "报名费",
    "中介费",
    "介绍费",
    "扣押身份证",
    "押身份证",
    "扣身份证",
    "deposit",
    "registration fee",
    "agency fee",
    "introduction fee",
    "keep your id card",
    "hold your id card",
    "retain your id card",
)
# Fee wording that needs a person to read it in context. Staff review this list.
FEE_FLAG_PHRASES = (
    "服装费",
    "工装费",
    "工衣费",
    "体检费",
    "培训费",
    "管理费",
    "收费",
    "身份证原件",
    "uniform fee",
    "clothing fee",
    "medical check fee",
    "health check fee",
    "training fee",
    "management fee",
    "original id card",
)
# A refusing fee phrase right after one of these says the opposite ("无押金"): flagged, not refused.
NEGATIONS = ("无", "不收", "不交", "免", "没有", "不需", "不用", "不要", "零", "no ", "without ", "never ", "free of ")

# Restrictions by gender, ethnicity or hukou origin: refused. Regular expressions.
DISCRIMINATION_REFUSE_PATTERNS = (
    r"(?<!不)限男性?",
    r"(?<!不)限女性?",
    r"只要男",
    r"只要女",
    r"只招男",
    r"只招女",
    r"男性优先",
    r"女性优先",
    r"男士优先",
    r"女士优先",
    r"不招少数民族",
    r"不要少数民族",
    r"少数民族勿扰",
    r"(?<!不)限汉族",
    r"只招汉族",
    r"不要\w{1,6}籍",
    r"不招\w{1,6}籍",
    r"\w{1,6}籍勿扰",
    r"(?<!不)限本地户口",
    r"本地户口优先",
    r"外地人勿扰",
    r"不要外地人",
    r"不招外地人",
    r"\bmen only\b",
    r"\bmales? only\b",
    r"\bwomen only\b",
    r"\bfemales? only\b",
    r"\bhan only\b",
    r"\bno (?:ethnic )?minorities\b",
    r"\blocals only\b",
    r"\blocal hukou only\b",
)
# Words often part of a restriction, also of a welcome: flagged. Staff review this list.
DISCRIMINATION_FLAG_PHRASES = ("男性", "女性", "民族", "外地人", "户口", "籍贯")

_DISCRIMINATION_REFUSE = re.compile("|".join(DISCRIMINATION_REFUSE_PATTERNS), re.IGNORECASE)


# Findings -----------------------------------------------------------------------

Severity = Literal["refuse", "flag"]
REFUSE: Severity = "refuse"
FLAG: Severity = "flag"


@dataclass(frozen=True)
class Finding:
    """One rule's verdict: a stable code, a message in the active language, the field it is about."""

    code: str
    message: str
    severity: Severity
    field: str

    @property
    def refuses(self) -> bool:
        return self.severity == REFUSE

    def as_flag(self) -> dict[str, str]:
        """The finding as stored in JobPosting.review_flags."""
        return {"code": self.code, "field": self.field, "message": self.message}


def posting_check(posting: JobPosting, *, today: date) -> list[Finding]:
    """Every finding for a posting, refusals and flags, in the order of the form."""
    findings: list[Finding] = []
    findings += check_headcount(posting)
    findings += check_start_date(posting, today=today)
    findings += check_contract(posting)
    findings += check_expected_monthly(posting)
    findings += check_minimum_wage(posting)
    findings += check_deductions(posting)
    findings += check_hours(posting)
    findings += check_fees(posting)
    findings += check_discrimination(posting)
    return findings


def refusals(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.refuses]


def flags(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.refuses]


# Numbers and dates --------------------------------------------------------------


def check_headcount(posting: JobPosting) -> list[Finding]:
    if HEADCOUNT_MIN <= (posting.headcount or 0) <= HEADCOUNT_MAX:
        return []
    message = _("A posting is for %(min)d to %(max)s people.") % {
        "min": HEADCOUNT_MIN,
        "max": f"{HEADCOUNT_MAX:,}",
    }
    return [Finding("headcount_range", message, REFUSE, "headcount")]


def check_start_date(posting: JobPosting, *, today: date) -> list[Finding]:
    if posting.start_date is None or posting.start_date >= today:
        return []
    return [Finding("start_date_past", _("The start date has already passed."), REFUSE, "start_date")]


def check_contract(posting: JobPosting) -> list[Finding]:
    if CONTRACT_MONTHS_MIN <= (posting.contract_months or 0) <= CONTRACT_MONTHS_MAX:
        return []
    message = _("A contract runs from %(min)d to %(max)d months.") % {
        "min": CONTRACT_MONTHS_MIN,
        "max": CONTRACT_MONTHS_MAX,
    }
    return [Finding("contract_range", message, REFUSE, "contract_months")]


def check_expected_monthly(posting: JobPosting) -> list[Finding]:
    if posting.wage_type == JobPosting.WageType.MONTHLY or posting.expected_monthly:
        return []
    message = _("With a piece or hourly rate, say what a worker can expect to earn in a normal month.")
    return [Finding("expected_monthly_missing", message, REFUSE, "expected_monthly")]


def check_minimum_wage(posting: JobPosting) -> list[Finding]:
    if not posting.county_id or posting.start_date is None or not posting.expected_monthly:
        return []
    minimum = legal_minimum_wage(county_code=posting.county_id, on=posting.start_date)
    if minimum is None or posting.expected_monthly >= minimum:
        return []
    message = _(
        "The expected monthly pay, %(pay)d yuan, is below the legal minimum wage where the site is, %(minimum)d yuan."
    ) % {"pay": posting.expected_monthly, "minimum": minimum}
    return [Finding("below_minimum_wage", message, REFUSE, "expected_monthly")]


def check_deductions(posting: JobPosting) -> list[Finding]:
    expected = posting.expected_monthly or 0
    deductions = posting.deductions
    if deductions <= DEDUCTION_SHARE_LIMIT * expected:
        return []
    message = _("Deductions of %(deductions)d yuan a month are more than %(share)d%% of the expected monthly pay.") % {
        "deductions": deductions,
        "share": int(DEDUCTION_SHARE_LIMIT * 100),
    }
    return [Finding("deductions_high", message, FLAG, "deduction_other")]


def check_hours(posting: JobPosting) -> list[Finding]:
    findings = []
    hours = posting.hours_per_day
    if hours is not None and not (0 < hours <= HOURS_PER_DAY_MAX):
        message = _("A working day is more than 0 and at most %(max)d hours.") % {"max": HOURS_PER_DAY_MAX}
        findings.append(Finding("hours_per_day_range", message, REFUSE, "hours_per_day"))
    days = posting.days_per_week
    if days is not None and not (1 <= days <= DAYS_PER_WEEK_MAX):
        message = _("A working week has 1 to %(max)d days.") % {"max": DAYS_PER_WEEK_MAX}
        findings.append(Finding("days_per_week_range", message, REFUSE, "days_per_week"))
    return findings


# Wording ------------------------------------------------------------------------


def _texts(posting: JobPosting) -> Iterable[tuple[str, str]]:
    for field in TEXT_FIELDS:
        text = getattr(posting, field) or ""
        if text:
            yield field, text


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 10) : start].lower()
    return any(before.endswith(negation) for negation in NEGATIONS)


def _first(text: str, phrases: Iterable[str]) -> tuple[str, int] | None:
    lowered = text.lower()
    for phrase in phrases:
        at = lowered.find(phrase)
        if at >= 0:
            return text[at : at + len(phrase)], at
    return None


def check_fees(posting: JobPosting) -> list[Finding]:
    """At most one fee finding per field: the first refusing phrase, else the first flagged one."""
    findings = []
    for field, text in _texts(posting):
        found = _first(text, FEE_REFUSE_PHRASES)
        if found is not None and not _negated(text, found[1]):
            message = _("Workers may not be charged for a job or made to hand over their ID card: “%(phrase)s”.") % {
                "phrase": found[0]
            }
            findings.append(Finding("fee_charged", message, REFUSE, field))
            continue
        if found is None:
            found = _first(text, FEE_FLAG_PHRASES)
        if found is not None:
            message = _(
                "Mentions a fee or the ID card; the bureau checks that the worker pays nothing: “%(phrase)s”."
            ) % {"phrase": found[0]}
            findings.append(Finding("fee_wording", message, FLAG, field))
    return findings


def check_discrimination(posting: JobPosting) -> list[Finding]:
    """At most one finding per field: a restriction refuses, a bare sensitive word is flagged."""
    findings = []
    for field, text in _texts(posting):
        match = _DISCRIMINATION_REFUSE.search(text)
        if match is not None:
            message = _("A job may not be limited by gender, ethnicity or where a worker's hukou is: “%(phrase)s”.") % {
                "phrase": match.group(0)
            }
            findings.append(Finding("discrimination", message, REFUSE, field))
            continue
        found = _first(text, DISCRIMINATION_FLAG_PHRASES)
        if found is not None:
            message = _(
                "Mentions gender, ethnicity or hukou; "
                "the bureau checks that no one is turned away for it: “%(phrase)s”."
            ) % {"phrase": found[0]}
            findings.append(Finding("discrimination_wording", message, FLAG, field))
    return findings
