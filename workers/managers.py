from django.db import models

from reference.codes import scope_prefix


class WorkerQuerySet(models.QuerySet):
    def active(self):
        """Workers whose data has not been erased."""
        return self.filter(deleted_at__isnull=True)

    def in_region(self, code: str):
        """Workers whose hukou county lies within the division `code`."""
        return self.filter(hukou_county__code__startswith=scope_prefix(code))

    def visible_to(self, user):
        """What a staff member or agent may see: their region, or everything if nationwide."""
        if user.is_superuser or getattr(user, "nationwide", False):
            return self
        if not getattr(user, "home_region_id", None):
            return self.none()
        return self.in_region(user.home_region_id)
