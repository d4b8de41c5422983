"""Job factories: employers with valid credit codes, their members and sites, postings, campaigns."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum.cn import uscc as uscc_code

from jobs.models import Campaign, Employer, EmployerMember, JobPosting, Site
from reference.models import Occupation
from tests.accounts.factories import EmployerFactory as EmployerUserFactory
from tests.accounts.factories import county


def uscc(sequence: int = 1, *, region: str = "441900") -> str:
    """A unified social credit code with a correct check digit (91 = enterprise, then the region code)."""
    body = f"91{region}{sequence:09d}"
    return body + uscc_code.calc_check_digit(body)


def occupation(code: str = "electronics_assembler") -> Occupation:
    occupation, _created = Occupation.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": "电子产品装配工",
            "name_en": "Electronics assembler",
            "group_code": "manufacturing",
            "group_zh": "制造业",
            "group_en": "Manufacturing",
            "isco08": "8212",
        },
    )
    return occupation


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"东莞精工电子有限公司{n}")
    uscc = factory.Sequence(lambda n: uscc(n + 1))
    region = factory.LazyFunction(lambda: county("441900"))
    industry = Employer.Industry.MANUFACTURING
    contact_name = "陈经理"
    verification = Employer.Verification.VERIFIED

    @factory.post_generation
    def contact_phone(obj: Employer, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.contact_phone_encrypted = extracted or "13900139002"
        if create:
            obj.save()


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = EmployerMember

    employer = factory.SubFactory(EmployerFactory)
    user = factory.SubFactory(EmployerUserFactory)
    role = EmployerMember.Role.OWNER


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    employer = factory.SubFactory(EmployerFactory)
    name = "长安镇一号厂区"
    address = "广东省东莞市长安镇振安中路1号"
    county = factory.LazyFunction(lambda: county("441900"))


class PostingFactory(DjangoModelFactory):
    class Meta:
        model = JobPosting
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    site = factory.SubFactory(SiteFactory, employer=factory.SelfAttribute("..employer"))
    county = factory.SelfAttribute("site.county")
    occupation = factory.LazyFunction(occupation)
    title = "电子厂普工"
    headcount = 50
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    contract_months = 12
    wage_type = JobPosting.WageType.MONTHLY
    wage_rate = Decimal("5200")
    expected_monthly = 5200
    deduction_dormitory = 150
    deduction_meals = 300
    housing_provided = True
    meals_provided = True
    transport = JobPosting.Transport.POINT_TO_POINT
    hours_per_day = Decimal("8")
    days_per_week = 6
    contact_name = "陈经理"
    status = JobPosting.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def contact_phone(obj: JobPosting, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.contact_phone_encrypted = extracted or "13900139002"
        if create:
            obj.save()


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    name = "2027年春风行动"
    kind = Campaign.Kind.SPRING_BREEZE
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=100))
    organiser = "人力资源和社会保障部"
