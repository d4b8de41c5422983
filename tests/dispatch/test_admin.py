"""The console's dispatch data: vehicle types anyone with the permission keeps, pickup points by region."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from dispatch.models import PickupPoint, VehicleType
from tests.accounts.factories import StaffFactory, county

pytestmark = pytest.mark.django_db


def test_staff_add_a_vehicle_type(client):
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="dispatch"))
    client.force_login(staff)

    client.post(
        reverse("admin:dispatch_vehicletype_add"),
        {"name": "中巴（33座）", "seats": 33, "cost_per_km": "5.00", "speed_kmh": 70, "active": "on"},
    )

    assert VehicleType.objects.get(name="中巴（33座）").seats == 33


def test_a_county_clerk_sees_only_the_pickup_points_of_their_region(client):
    staff = StaffFactory(home_region=county("530627"))
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="dispatch"))
    client.force_login(staff)
    here = PickupPoint.objects.create(county=county("530627"), name="镇雄客运站", lat=27.44, lng=104.87)
    away = PickupPoint.objects.create(county=county("511321"), name="南部县汽车站", lat=31.35, lng=106.06)

    page = client.get(reverse("admin:dispatch_pickuppoint_changelist")).content.decode()

    assert here.name in page
    assert away.name not in page
    assert client.get(reverse("admin:dispatch_pickuppoint_change", args=[away.pk])).status_code == 404
