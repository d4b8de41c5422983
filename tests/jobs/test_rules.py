"""The offer-sheet rules, each with its exact message."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs import rules
from jobs.models import JobPosting
from reference.models import MinimumWage, MinimumWageTier
from tests.jobs.factories import PostingFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 2, 1)


def posting(**overrides) -> JobPosting:
    fields = {"start_date": TODAY + timedelta(days=20), **overrides}
    return PostingFactory.build(**fields)


def codes(findings: list[rules.Finding]) -> list[tuple[str, str]]:
    return [(finding.code, finding.severity) for finding in findings]


def only(findings: list[rules.Finding], code: str) -> rules.Finding:
    matching = [finding for finding in findings if finding.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def test_a_fair_posting_raises_no_finding():
    assert rules.posting_check(posting(), today=TODAY) == []


# Minimum wage --------------------------------------------------------------------


@pytest.fixture
def guangdong_minimum(empty_reference_tables) -> None:
    MinimumWage.objects.create(
        province_id="440000", tier=1, monthly_yuan=2500, effective_from=date(2025, 3, 1), source="test"
    )
    MinimumWage.objects.create(
        province_id="440000", tier=2, monthly_yuan=2300, effective_from=date(2025, 3, 1), source="test"
    )
    MinimumWageTier.objects.create(region_id="441900", tier=2)


def test_pay_below_the_sites_minimum_wage_is_refused_naming_both_figures(guangdong_minimum):
    findings = rules.posting_check(posting(expected_monthly=2200, wage_rate=Decimal("2200")), today=TODAY)

    finding = only(findings, "below_minimum_wage")
    assert finding.severity == "refuse"
    assert finding.field == "expected_monthly"
    assert finding.message == (
        "The expected monthly pay, 2200 yuan, is below the legal minimum wage where the site is, 2300 yuan."
    )


def test_pay_at_the_minimum_wage_passes(guangdong_minimum):
    findings = rules.posting_check(posting(expected_monthly=2300, deduction_meals=0), today=TODAY)
    assert "below_minimum_wage" not in [finding.code for finding in findings]


def test_a_province_without_a_standard_gives_no_minimum_wage_finding(empty_reference_tables):
    assert rules.check_minimum_wage(posting(expected_monthly=800)) == []


# Numbers and dates ----------------------------------------------------------------


@pytest.mark.parametrize("headcount", [0, 5001])
def test_headcount_outside_1_to_5000_is_refused(headcount):
    finding = only(rules.posting_check(posting(headcount=headcount), today=TODAY), "headcount_range")
    assert finding.severity == "refuse"
    assert finding.message == "A posting is for 1 to 5,000 people."


@pytest.mark.parametrize("headcount", [1, 5000])
def test_headcount_at_the_bounds_passes(headcount):
    assert rules.check_headcount(posting(headcount=headcount)) == []


def test_a_start_date_in_the_past_is_refused():
    finding = only(rules.posting_check(posting(start_date=TODAY - timedelta(days=1)), today=TODAY), "start_date_past")
    assert finding.severity == "refuse"
    assert finding.message == "The start date has already passed."


def test_a_start_date_today_passes():
    assert rules.check_start_date(posting(start_date=TODAY), today=TODAY) == []


@pytest.mark.parametrize("months", [0, 61])
def test_a_contract_outside_1_to_60_months_is_refused(months):
    finding = only(rules.posting_check(posting(contract_months=months), today=TODAY), "contract_range")
    assert finding.message == "A contract runs from 1 to 60 months."


def test_more_than_12_hours_a_day_is_refused():
    finding = only(rules.posting_check(posting(hours_per_day=Decimal("12.5")), today=TODAY), "hours_per_day_range")
    assert finding.severity == "refuse"
    assert finding.message == "A working day is more than 0 and at most 12 hours."


def test_more_than_7_days_a_week_is_refused():
    finding = only(rules.posting_check(posting(days_per_week=8), today=TODAY), "days_per_week_range")
    assert finding.message == "A working week has 1 to 7 days."


def test_a_piece_rate_without_an_expected_monthly_figure_is_refused():
    findings = rules.posting_check(
        posting(wage_type=JobPosting.WageType.PIECE, wage_rate=Decimal("0.8"), expected_monthly=0), today=TODAY
    )
    finding = only(findings, "expected_monthly_missing")
    assert finding.message == "With a piece or hourly rate, say what a worker can expect to earn in a normal month."


# Deductions -----------------------------------------------------------------------


def test_deductions_above_the_published_share_are_flagged():
    finding = only(
        rules.posting_check(
            posting(expected_monthly=5000, deduction_dormitory=800, deduction_meals=600, deduction_other=200),
            today=TODAY,
        ),
        "deductions_high",
    )
    assert finding.severity == "flag"
    assert finding.message == "Deductions of 1600 yuan a month are more than 30% of the expected monthly pay."


def test_deductions_at_the_published_share_pass():
    assert rules.check_deductions(posting(expected_monthly=5000, deduction_dormitory=1500, deduction_meals=0)) == []


# Fees -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("入职交押金200元", "押金"),
        ("需交保证金", "保证金"),
        ("报名费50元", "报名费"),
        ("收取中介费", "中介费"),
        ("入职扣押身份证", "扣押身份证"),
        ("A deposit of 300 yuan is required", "deposit"),
        ("Registration fee: 100 yuan", "Registration fee"),
        ("We keep your ID card until the end of the contract", "keep your ID card"),
    ],
)
def test_a_fee_or_id_retention_is_refused_with_the_phrase(text, phrase):
    finding = only(rules.check_fees(posting(description=text)), "fee_charged")
    assert finding.severity == "refuse"
    assert finding.field == "description"
    assert finding.message == (f"Workers may not be charged for a job or made to hand over their ID card: “{phrase}”.")


@pytest.mark.parametrize(
    ("field", "text", "phrase"),
    [
        ("deduction_other_note", "工装费每月50元", "工装费"),
        ("deduction_other_note", "服装费从工资扣", "服装费"),
        ("description", "体检费入职后从工资扣除", "体检费"),
        ("training_offered", "岗前培训，培训费自理", "培训费"),
        ("description", "No deposit, no fees of any kind", "deposit"),
        ("description", "不收押金，包吃包住", "押金"),
        ("overtime_rules", "Uniform fee deducted from first pay", "Uniform fee"),
    ],
)
def test_fee_wording_that_needs_context_is_flagged_for_staff(field, text, phrase):
    finding = only(rules.check_fees(posting(**{field: text})), "fee_wording")
    assert finding.severity == "flag"
    assert finding.field == field
    assert finding.message == (
        f"Mentions a fee or the ID card; the bureau checks that the worker pays nothing: “{phrase}”."
    )


def test_fee_wording_is_read_in_every_free_text_field():
    findings = rules.check_fees(
        posting(title="普工（押金）", skills_required="交保证金", overtime_rules="", description="")
    )
    assert [(finding.field, finding.code) for finding in findings] == [
        ("title", "fee_charged"),
        ("skills_required", "fee_charged"),
    ]


# Discrimination -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("限男性，18-45岁", "限男性"),
        ("只要男的", "只要男"),
        ("女性优先", "女性优先"),
        ("不招少数民族", "不招少数民族"),
        ("限汉族", "限汉族"),
        ("不要河南籍", "不要河南籍"),
        ("限本地户口", "限本地户口"),
        ("外地人勿扰", "外地人勿扰"),
        ("Men only, strong workers", "Men only"),
    ],
)
def test_a_discriminatory_requirement_is_refused_naming_the_phrase(text, phrase):
    finding = only(rules.check_discrimination(posting(skills_required=text)), "discrimination")
    assert finding.severity == "refuse"
    assert finding.field == "skills_required"
    assert finding.message == (
        f"A job may not be limited by gender, ethnicity or where a worker's hukou is: “{phrase}”."
    )


@pytest.mark.parametrize("text", ["男女不限", "不限男女", "欢迎各民族朋友", "男性女性均可"])
def test_a_welcome_is_only_flagged_never_refused(text):
    findings = rules.check_discrimination(posting(description=text))
    assert all(finding.severity == "flag" for finding in findings)


def test_a_bare_sensitive_word_is_flagged_with_its_phrase():
    finding = only(rules.check_discrimination(posting(description="男性女性均可")), "discrimination_wording")
    assert finding.message == (
        "Mentions gender, ethnicity or hukou; the bureau checks that no one is turned away for it: “男性”."
    )


def test_the_rules_write_nothing():
    built = posting(headcount=0, description="押金")
    rules.posting_check(built, today=timezone.localdate())
    assert built.pk is None
    assert not JobPosting.objects.exists()
