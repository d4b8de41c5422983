"""Small builders for the worker-side course tests, kept apart from the provider-side factories."""

import itertools
from datetime import timedelta

from django.utils import timezone

from reference.models import Occupation
from tests.accounts.factories import county
from tests.jobs.factories import occupation, uscc
from training.models import Course, Provider

_numbers = itertools.count(900)


def provider(**fields: object) -> Provider:
    number = next(_numbers)
    defaults: dict[str, object] = {
        "name": f"宜都市职业技术学校{number}",
        "kind": Provider.Kind.SCHOOL,
        "uscc": uscc(number, region="420581"),
        "region": county("420581"),
        "address": "湖北省宜都市陆城街道园林大道1号",
        "contact_name": "王老师",
        "verification": Provider.Verification.VERIFIED,
    }
    return Provider.objects.create(**{**defaults, **fields})


def course(*, trade: str | Occupation = "electronics_assembler", days: int = 14, **fields: object) -> Course:
    """A published course of a verified provider, starting in `days` days, in person in Yidu unless told."""
    start = timezone.localdate() + timedelta(days=days)
    defaults: dict[str, object] = {
        "title": "电子产品装配工培训班",
        "type": Course.Type.UPGRADE,
        "occupation": trade if isinstance(trade, Occupation) else occupation(trade),
        "certificate_level": 5,
        "format": Course.Format.IN_PERSON,
        "county": county("420581"),
        "hours": 40,
        "starts_on": start,
        "ends_on": start + timedelta(days=10),
        "capacity": 30,
        "fee": 1200,
        "subsidy": 1000,
        "status": Course.Status.PUBLISHED,
    }
    values = {**defaults, **fields}
    if "provider" not in values:
        values["provider"] = provider()
    if values["format"] == Course.Format.ONLINE and "county" not in fields:
        values["county"] = None
    return Course.objects.create(**values)


def trade(code: str, name: str) -> Occupation:
    """An occupation with its English name, for tests that read it on a page."""
    found, _created = Occupation.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": name,
            "name_en": name,
            "group_code": "manufacturing",
            "group_zh": "制造业",
            "group_en": "Manufacturing",
            "isco08": "8212",
        },
    )
    return found
