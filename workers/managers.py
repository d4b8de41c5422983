from typing import TYPE_CHECKING, Any

from django.db import models

from reference.codes import scope_prefix

if TYPE_CHECKING:
    from workers.models import Worker  # noqa: F401


class WorkerQuerySet(models.QuerySet["Worker"]):
    def active(self) -> "WorkerQuerySet":
        """Workers whose data has not been erased."""
        return self.filter(deleted_at__isnull=True)

    def in_region(self, code: str) -> "WorkerQuerySet":
        """Workers whose hukou county lies within the division `code`."""
        return self.filter(hukou_county__code__startswith=scope_prefix(code))

    def visible_to(self, user: Any) -> "WorkerQuerySet":
        """What a staff member or agent may see: their region, or everything if nationwide."""
        if user.is_superuser or getattr(user, "nationwide", False):
            return self
        if not getattr(user, "home_region_id", None):
            return self.none()
        return self.in_region(user.home_region_id)
