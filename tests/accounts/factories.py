"""Factories for accounts: users in each persona, with Chinese names and mainland phones."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from reference.models import Region
from tests.providers import region_row

STAFF_PASSWORD = "spring-breeze-2021"


def _phone(n: int) -> str:
    return f"139{n:08d}"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "510000"
    name_zh = factory.LazyAttribute(lambda region: region_row(region.code)["name_zh"])
    name_pinyin = factory.LazyAttribute(lambda region: region_row(region.code)["name_pinyin"])
    level = Region.Level.PROVINCE


def county(code: str = "511321") -> Region:
    """A county with its prefecture and province, named as in the reference data."""
    province = RegionFactory(code=code[:2] + "0000")
    prefecture = RegionFactory(code=code[:4] + "00", level=Region.Level.PREFECTURE, parent=province)
    return RegionFactory(code=code, level=Region.Level.COUNTY, parent=prefecture)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="zh_CN")
    last_name = factory.Faker("last_name", locale="zh_CN")
    role = User.Role.WORKER
    phone = factory.Sequence(_phone)
    password = None

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        user = cls._build(model_class, *args, **kwargs)
        user.save()
        return user

    @classmethod
    def _build(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # phone and password go through the model's own setters, never raw fields.
        phone = kwargs.pop("phone", None)
        password = kwargs.pop("password", None)
        user = model_class(*args, **kwargs)
        if phone:
            user.set_phone(phone)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user


class WorkerFactory(UserFactory):
    role = User.Role.WORKER


class EmployerFactory(UserFactory):
    role = User.Role.EMPLOYER


class AgentFactory(UserFactory):
    role = User.Role.AGENT
    home_region = factory.LazyFunction(county)


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
    phone = None
    password = STAFF_PASSWORD
    home_region = factory.LazyFunction(county)
