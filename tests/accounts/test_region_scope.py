"""Staff and agents act only inside their home region, unless granted the whole country."""

import pytest

from accounts.models import User
from reference.models import Region

pytestmark = pytest.mark.django_db


def _region(code: str, level: str, parent: Region | None = None) -> Region:
    return Region.objects.create(code=code, name_zh=code, name_pinyin=code, level=level, parent=parent)


@pytest.fixture
def yunnan():
    province = _region("530000", "province")
    zhaotong = _region("530600", "prefecture", province)
    _region("530627", "county", zhaotong)
    _region("530621", "county", zhaotong)
    return province


@pytest.mark.parametrize(
    ("home", "target", "allowed"),
    [
        ("530627", "530627", True),
        ("530627", "530621", False),
        ("530600", "530621", True),
        ("530600", "530100", False),
        ("530000", "530621", True),
        ("530000", "440300", False),
    ],
)
def test_staff_act_within_their_county_prefecture_or_province_only(yunnan, home, target, allowed):
    staff = User(username="clerk", role=User.Role.STAFF, home_region_id=home)
    assert staff.can_act_in(target) is allowed


def test_nationwide_staff_and_superusers_act_everywhere():
    assert User(username="a", role=User.Role.STAFF, nationwide=True).can_act_in("440300") is True
    assert User(username="b", is_superuser=True).can_act_in("440300") is True


def test_staff_without_a_home_region_act_nowhere():
    assert User(username="c", role=User.Role.STAFF).can_act_in("530627") is False


def test_within_selects_a_division_and_everything_under_it(yunnan):
    assert sorted(Region.objects.within("530600").values_list("code", flat=True)) == ["530600", "530621", "530627"]
    assert list(Region.objects.within("530627").values_list("code", flat=True)) == ["530627"]


def test_factory_counties_carry_their_reference_names():
    from tests.accounts.factories import county

    zhenxiong = county("530627")
    assert (zhenxiong.name_zh, zhenxiong.parent.name_zh, zhenxiong.parent.parent.name_zh) == (
        "镇雄县",
        "昭通市",
        "云南省",
    )


def test_the_domain_faker_gives_mainland_mobiles_and_known_trades():
    import factory

    from accounts import pii
    from tests.providers import SENDING_COUNTIES, _occupations

    phone = factory.Faker("mainland_mobile").evaluate(None, None, {"locale": None})
    assert pii.normalize_phone(phone) == phone
    trade = factory.Faker("trade_code").evaluate(None, None, {"locale": None})
    assert trade in {row["code"] for row in _occupations()}
    assert factory.Faker("sending_county_code").evaluate(None, None, {"locale": None}) in SENDING_COUNTIES
