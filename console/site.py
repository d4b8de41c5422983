"""The console's admin site: Django's admin under the bureau's name, opening on the staff home.

Installed in place of "django.contrib.admin" (see INSTALLED_APPS), so every
`admin.site` and `@admin.register` in the apps refers to this site. The
module imports no models: Django loads it before the apps are ready.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class ConsoleSite(AdminSite):
    site_header = _("Chunfeng console")
    site_title = _("Chunfeng console")
    index_title = _("Today")

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        from console.home import decisions_today, silent_count

        decisions = decisions_today(request)
        silent = silent_count(request)
        if silent is not None:
            decisions.append(silent)
        from accounts.admin import CappedPaginator

        context = {"decisions": decisions, "cap": CappedPaginator.CAP, **(extra_context or {})}
        return super().index(request, context)


class ConsoleAdminConfig(AdminConfig):
    default_site = "console.site.ConsoleSite"
