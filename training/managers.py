from datetime import date

from django.db import models


class CourseQuerySet(models.QuerySet):
    def open_for_enrolment(self, *, today: date):
        """Published courses of verified providers that have not started yet."""
        return self.filter(status="published", provider__verification="verified", starts_on__gte=today)

    def of_provider(self, provider_id: int):
        return self.filter(provider_id=provider_id)


class EnrollmentQuerySet(models.QuerySet):
    def holding_places(self):
        """Enrolments that take one of the course's places."""
        return self.filter(status="enrolled")

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status="waitlisted").order_by("created_at", "id")
