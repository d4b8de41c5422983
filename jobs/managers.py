from datetime import date

from django.db import models


class JobPostingQuerySet(models.QuerySet):
    def public(self, *, today: date | None = None):
        """Postings anyone may see: published, employer not blocked, not past expiry."""
        queryset = self.filter(status="published").exclude(employer__standing="blocked")
        if today is not None:
            queryset = queryset.exclude(expires_on__lt=today)
        return queryset

    def of_employer(self, employer_id: int):
        return self.filter(employer_id=employer_id)
