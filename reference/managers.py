from django.db import models

from reference.codes import OUTSIDE_MAINLAND, scope_prefix


class RegionQuerySet(models.QuerySet):
    def current(self):
        """Divisions in force today (abolished codes are kept for ID numbers)."""
        return self.filter(valid_to__isnull=True)

    def provinces(self):
        return self.current().filter(level="province")

    def within(self, code: str):
        """The division with this code and everything under it."""
        return self.filter(code__startswith=scope_prefix(code))

    def mainland(self):
        """Divisions of mainland China, where the service operates."""
        outside = models.Q()
        for code in OUTSIDE_MAINLAND:
            outside |= models.Q(code__startswith=scope_prefix(code))
        return self.exclude(outside)
