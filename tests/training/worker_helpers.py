"""Builders for the worker-side course tests, on top of the training factories."""

from datetime import timedelta

from django.utils import timezone

from reference.models import Occupation
from tests.jobs.factories import occupation
from tests.training.factories import CourseFactory
from training.models import Course


def course(*, trade: str | Occupation = "electronics_assembler", days: int = 14, **fields: object) -> Course:
    """A published course of a verified provider, starting in `days` days, in person in Yidu unless told."""
    start = timezone.localdate() + timedelta(days=days)
    values: dict[str, object] = {
        "occupation": trade if isinstance(trade, Occupation) else occupation(trade),
        "starts_on": start,
        "capacity": 30,
        "subsidy": 1000,
        **fields,
    }
    if values.get("format") == Course.Format.ONLINE and "county" not in fields:
        values["county"] = None
    return CourseFactory(**values)


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
