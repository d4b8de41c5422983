"""Every sign-up page of a logged-in worker stays under 60 KB with its assets, in Chinese and in English."""

import pytest
from django.test import Client
from django.urls import reverse

from reference.models import Occupation
from tests.accounts.factories import WorkerFactory
from tests.test_page_weight import BUDGET, page_weight
from tests.workers.factories import WorkerProfileFactory
from workers.forms.signup import MAX_CERTIFICATES, MAX_SKILLS
from workers.models import Certificate, CohortMember, Skill, Worker
from workers.services import cohorts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_reference_data")]

Step = Worker.SignupStep
PAGES = [
    ("workers:signup_identity", Step.IDENTITY),
    ("workers:signup_home", Step.HOME),
    ("workers:signup_work", Step.WORK),
    ("workers:signup_group", Step.GROUP),
    ("workers:signup_poor_labourer", Step.POOR_LABOURER),
]


def _client(user, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("name", "step"), PAGES)
def test_each_sign_up_page_weighs_under_60_kb_with_all_assets(name, step, language):
    worker = WorkerProfileFactory(signup_step=step)

    total, sizes = page_weight(_client(worker.user, language), reverse(name))

    assert total < BUDGET, sizes
    assert any(asset.endswith(".css") for asset in sizes)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_work_page_stays_under_60_kb_with_every_row_filled_from_the_largest_group(language):
    worker = WorkerProfileFactory(signup_step=Step.DONE)
    largest = max(
        Occupation.objects.values_list("group_code", flat=True).distinct(),
        key=lambda group: Occupation.objects.filter(group_code=group).count(),
    )
    occupations = list(Occupation.objects.filter(group_code=largest)[:MAX_SKILLS])
    Skill.objects.bulk_create(Skill(worker=worker, occupation=o, years=5) for o in occupations)
    Certificate.objects.bulk_create(
        Certificate(worker=worker, name=f"Certificate {n}", level=4, occupation=occupations[n])
        for n in range(MAX_CERTIFICATES)
    )

    total, sizes = page_weight(_client(worker.user, language), reverse("workers:signup_work"))

    assert total < BUDGET, sizes


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_work_page_stays_under_60_kb_with_every_row_open_on_the_largest_group(language):
    worker = WorkerProfileFactory(signup_step=Step.WORK)
    largest = max(
        Occupation.objects.values_list("group_code", flat=True).distinct(),
        key=lambda group: Occupation.objects.filter(group_code=group).count(),
    )
    data = {
        "skills-TOTAL_FORMS": str(MAX_SKILLS),
        "skills-INITIAL_FORMS": "0",
        "certificates-TOTAL_FORMS": str(MAX_CERTIFICATES),
        "certificates-INITIAL_FORMS": "0",
        "_show_occupations": "1",
    } | {f"skills-{n}-group": largest for n in range(MAX_SKILLS)}

    client, url = _client(worker.user, language), reverse("workers:signup_work")
    response = client.post(url, data)

    # The same stylesheet and scripts as the page itself loads on a plain visit.
    assets = sum(size for name, size in page_weight(client, url)[1].items() if name != url)
    assert response.content.decode().count(f'name="skills-{MAX_SKILLS - 1}-occupation"') == 1
    assert len(response.content) + assets < BUDGET, len(response.content) + assets


def test_the_group_page_stays_under_60_kb_with_a_full_group():
    worker = WorkerProfileFactory(signup_step=Step.GROUP, user__phone="13800138000")
    cohort = cohorts.cohort_create(worker=worker, name="Zhang family")
    for n in range(1, cohorts.MAX_MEMBERS):
        cohorts.cohort_member_invite(cohort=cohort, inviter=worker, phone=f"1370000000{n}")
    assert cohort.members.filter(status=CohortMember.Status.INVITED).count() == cohorts.MAX_MEMBERS - 1

    total, sizes = page_weight(_client(worker.user, "zh-hans"), reverse("workers:signup_group"))

    assert total < BUDGET, sizes


def test_an_invitation_page_weighs_under_60_kb():
    creator = WorkerProfileFactory(real_name="张伟")
    cohort = cohorts.cohort_create(worker=creator, name="Zhang family")
    member = cohorts.cohort_member_invite(cohort=cohort, inviter=creator, phone="13712345678")

    url = reverse("workers:cohort_invitation", args=[member.pk])
    total, sizes = page_weight(_client(WorkerFactory(phone="13712345678"), "zh-hans"), url)

    assert total < BUDGET, sizes
