import pytest
from stdnum.cn import uscc as uscc_code

from tests.jobs.factories import PostingFactory, uscc

pytestmark = pytest.mark.django_db


def test_factory_credit_codes_pass_the_checksum():
    assert all(uscc_code.is_valid(uscc(n)) for n in range(1, 50))


def test_a_factory_posting_is_consistent():
    posting = PostingFactory()
    assert posting.site.employer_id == posting.employer_id
    assert posting.county_id == posting.site.county_id == "441900"
    assert posting.net_monthly == 5200 - 150 - 300
    assert posting.contact_phone == "13900139002"
