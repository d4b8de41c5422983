"""The console for training: providers scoped to the clerk's region and verified by action, courses and
enrolments read-only and scoped, and the statistics page with its CSV."""

import html

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import StaffFactory, county
from tests.training.factories import YIDU, CourseFactory, EnrollmentFactory, ProviderFactory, ProviderMemberFactory
from training.models import Provider

pytestmark = pytest.mark.django_db

NANBU = "511321"
PROVIDERS = reverse("admin:training_provider_changelist")
COURSES = reverse("admin:training_course_changelist")
ENROLMENTS = reverse("admin:training_enrollment_changelist")
STATISTICS = reverse("admin:training_course_statistics")


def clerk(client: Client, region: str | None, **fields) -> User:
    """A bureau clerk of `region`, logged in to the console, who may view training and decide on providers."""
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    codenames = ("view_provider", "change_provider", "view_course", "view_enrollment")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="training", codename__in=codenames))
    client.force_login(user)
    return user


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def act(client: Client, action: str, rows, note: str = ""):
    data = {"action": action, "_selected_action": [row.pk for row in rows], "note": note, "index": 0}
    return client.post(PROVIDERS, data, follow=True)


# Providers ----------------------------------------------------------------------------


def test_a_county_clerk_sees_only_providers_registered_in_their_region(client):
    ProviderFactory(name="宜都职校", region=county(YIDU))
    ProviderFactory(name="南部县职校", region=county(NANBU))
    clerk(client, YIDU)

    page = text(client.get(PROVIDERS))

    assert "宜都职校" in page
    assert "南部县职校" not in page


def test_a_province_clerk_and_nationwide_staff_see_wider(client):
    ProviderFactory(name="宜都职校", region=county(YIDU))
    ProviderFactory(name="南部县职校", region=county(NANBU))
    clerk(client, "420000")
    province = text(client.get(PROVIDERS))
    clerk(client, YIDU, nationwide=True)
    nationwide = text(client.get(PROVIDERS))

    assert ("宜都职校" in province, "南部县职校" in province) == (True, False)
    assert ("宜都职校" in nationwide, "南部县职校" in nationwide) == (True, True)


def test_another_regions_provider_change_page_answers_404(client):
    elsewhere = ProviderFactory(region=county(NANBU))
    mine = ProviderFactory(region=county(YIDU), contact_phone="13900139003")
    ProviderMemberFactory(provider=mine, user__phone="13712345678")
    clerk(client, YIDU)

    assert client.get(reverse("admin:training_provider_change", args=[elsewhere.pk])).status_code == 404
    page = text(client.get(reverse("admin:training_provider_change", args=[mine.pk])))
    assert "139****9003" in page
    assert "137****5678" in page
    for secret in ("13900139003", "13712345678"):
        assert secret not in page


def test_the_verify_action_verifies_the_provider(client):
    provider = ProviderFactory(region=county(YIDU), verification=Provider.Verification.PENDING)
    staff = clerk(client, YIDU)

    page = text(act(client, "verify", [provider]))

    provider.refresh_from_db()
    assert "1 provider changed." in page
    assert (provider.verification, provider.verified_by) == (Provider.Verification.VERIFIED, staff)


def test_not_verifying_without_a_note_changes_nothing(client):
    provider = ProviderFactory(region=county(YIDU), verification=Provider.Verification.PENDING)
    clerk(client, YIDU)

    page = text(act(client, "reject", [provider]))

    provider.refresh_from_db()
    assert "Write a note saying why" in page
    assert provider.verification == Provider.Verification.PENDING


def test_not_verifying_with_a_note_keeps_the_note(client):
    provider = ProviderFactory(region=county(YIDU), verification=Provider.Verification.PENDING)
    clerk(client, YIDU)

    act(client, "reject", [provider], note="办学许可证已过期")

    provider.refresh_from_db()
    assert (provider.verification, provider.verification_note) == (Provider.Verification.REJECTED, "办学许可证已过期")


def test_there_is_no_add_or_edit_of_providers_in_the_console(client):
    provider = ProviderFactory(region=county(YIDU))
    clerk(client, YIDU)

    assert client.get(reverse("admin:training_provider_add")).status_code == 403
    page = text(client.get(reverse("admin:training_provider_change", args=[provider.pk])))
    assert 'name="name"' not in page


# Courses and enrolments ----------------------------------------------------------------------


def test_courses_show_when_the_provider_or_the_course_county_is_in_the_region(client):
    CourseFactory(title="本地学校的课", provider=ProviderFactory(region=county(YIDU)), county=county(NANBU))
    CourseFactory(title="外地学校来宜都开课", provider=ProviderFactory(region=county(NANBU)), county=county(YIDU))
    CourseFactory(title="外地的课", provider=ProviderFactory(region=county(NANBU)), county=county(NANBU))
    clerk(client, YIDU)

    page = text(client.get(COURSES))

    assert "本地学校的课" in page
    assert "外地学校来宜都开课" in page
    assert "外地的课" not in page
    assert "Training statistics" in page


def test_the_course_list_counts_enrolled_workers(client):
    course = CourseFactory(provider=ProviderFactory(region=county(YIDU)), capacity=17)
    EnrollmentFactory.create_batch(3, course=course)
    EnrollmentFactory(course=course, status="waitlisted")
    clerk(client, YIDU)

    page = text(client.get(COURSES))

    assert '<td class="field-capacity">17</td>' in page
    assert '<td class="field-enrolled_count">3</td>' in page


def test_enrolments_show_masked_names_and_follow_the_workers_home_or_the_provider(client):
    local_provider = ProviderFactory(region=county(YIDU))
    far_provider = ProviderFactory(region=county(NANBU))
    EnrollmentFactory(course=CourseFactory(provider=local_provider), worker__real_name="张伟强")
    EnrollmentFactory(
        course=CourseFactory(provider=far_provider), worker__real_name="李四", worker__hukou_county=county(YIDU)
    )
    hidden = EnrollmentFactory(course=CourseFactory(provider=far_provider), worker__real_name="王五")
    clerk(client, YIDU)

    page = text(client.get(ENROLMENTS))

    assert "张**" in page
    assert "李**" in page
    assert "王**" not in page
    assert "张伟强" not in page
    assert client.get(reverse("admin:training_enrollment_change", args=[hidden.pk])).status_code == 404
