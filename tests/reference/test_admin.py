import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from reference.models import Region

pytestmark = pytest.mark.usefixtures("fixture_reference_data")


@pytest.fixture
def staff_client(client, django_user_model):
    """A staff member who holds every reference permission but is not a superuser."""
    user = django_user_model.objects.create_user(username="clerk", password="not-used-here", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="reference"))
    client.force_login(user)
    return client


def test_superuser_finds_a_region_by_name(admin_client):
    response = admin_client.get(reverse("admin:reference_region_changelist"), {"q": "东城"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [Region.objects.get(code="110101")]


def test_region_list_filters_abolished_codes(admin_client):
    response = admin_client.get(reverse("admin:reference_region_changelist"), {"status": "abolished"})

    assert sorted(r.code for r in response.context["cl"].result_list) == ["110103", "429008", "440102"]


def test_superuser_may_edit_a_region(admin_client):
    response = admin_client.get(reverse("admin:reference_region_change", args=["110101"]))

    assert response.context["has_change_permission"] is True


def test_staff_sees_regions_read_only(staff_client):
    url = reverse("admin:reference_region_change", args=["110101"])

    assert staff_client.get(url).context["has_change_permission"] is False
    assert staff_client.post(url, {"name_zh": "改名"}).status_code == 403
    assert Region.objects.get(code="110101").name_zh == "东城区"


@pytest.mark.parametrize("model", ["region", "occupation", "minimumwage", "minimumwagetier"])
def test_staff_may_list_but_not_add(staff_client, model):
    assert staff_client.get(reverse(f"admin:reference_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:reference_{model}_add")).status_code == 403


def test_region_autocomplete_finds_a_parent_by_code(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "reference", "model_name": "region", "field_name": "parent", "term": "4201"},
    )

    assert "420100" in [item["id"] for item in response.json()["results"]]
