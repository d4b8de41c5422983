"""Worker factories: Chinese names, real counties, ID numbers that pass every check."""

from datetime import date

import factory
from factory.django import DjangoModelFactory
from stdnum.cn import ric

from tests.accounts.factories import WorkerFactory, county
from workers.identity import gender_of
from workers.models import Worker


def id_number(*, place: str = "530627", born: date = date(1990, 3, 7), sequence: int = 1) -> str:
    """A resident ID number with a correct check digit (sequence 1-999; odd is male, even female)."""
    body = f"{place}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


class WorkerProfileFactory(DjangoModelFactory):
    """A worker who has finished sign-up, from a real labour-sending county."""

    class Meta:
        model = Worker
        skip_postgeneration_save = True

    user = factory.SubFactory(WorkerFactory)
    real_name = factory.Faker("name", locale="zh_CN")
    hukou_county = factory.LazyFunction(lambda: county("530627"))
    birth_date = date(1990, 3, 7)
    education = Worker.Education.JUNIOR
    min_monthly_wage = 4500
    signup_step = Worker.SignupStep.DONE

    @factory.post_generation
    def id_number(obj: Worker, create: bool, extracted: str | None, **kwargs: object) -> None:
        sequence = obj.user_id % 999 + 1 if obj.user_id else 1
        obj.set_id_number(extracted or id_number(born=obj.birth_date, sequence=sequence))
        obj.gender = gender_of(obj.id_number)
        if create:
            obj.save()
