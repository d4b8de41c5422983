"""Rights protection in the console: the case list and a case's page with its moves and messages (cases), the
wage check-ins (checkins), and the statistics page (statistics). Importing the package registers them."""

from rights.admin import cases, checkins

__all__ = ["cases", "checkins"]
