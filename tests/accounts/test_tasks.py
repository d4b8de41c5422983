from datetime import timedelta

import pytest
from django.conf import settings

from accounts import services, tasks
from accounts.models import OneTimeCode
from config.celery import app

pytestmark = pytest.mark.django_db


def test_purge_task_deletes_day_old_codes_and_is_safe_to_repeat(clock):
    services.otp_request(phone="13812345678", ip="10.0.0.1")
    clock.advance(hours=2)
    services.otp_request(phone="13900000001", ip="10.0.0.1")
    clock.advance(hours=22, seconds=1)

    assert tasks.purge_expired_codes.apply().get() == 1
    assert tasks.purge_expired_codes.apply().get() == 0
    assert OneTimeCode.objects.count() == 1


def test_the_beat_schedule_names_the_registered_purge_task():
    scheduled = settings.CELERY_BEAT_SCHEDULE["otp-purge"]["task"]

    assert scheduled == tasks.purge_expired_codes.name
    assert scheduled in app.tasks


def test_purge_keeps_codes_younger_than_the_retention(clock):
    services.otp_request(phone="13812345678", ip="10.0.0.1")
    clock.advance(hours=23, minutes=59)

    assert services.otp_purge() == 0
    assert services.otp_purge(older_than=timedelta(hours=1)) == 1
