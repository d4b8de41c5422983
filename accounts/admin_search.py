"""Console search whose terms never appear in a URL.

Phones, ID numbers and names typed into a GET search box would land in
browser history, proxy logs and the web server's access log. Here the search
box posts (with CSRF) to `<changelist>/search/`; the term is kept in the
session under a random token and the list opens as `?search=<token>`, so
pagination and filters keep the search without ever carrying the term.
"""

import secrets
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

SEARCH_PARAM = "search"
_SESSION_KEY = "console.private_searches"
_KEEP = 20  # searches remembered per session; older tokens simply stop matching


class _PrivateSearchChangeList(ChangeList):
    def get_filters_params(self, params: Any = None) -> Any:
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_PARAM, None)
        return lookup_params


class PrivateSearchMixin:
    """Mix into a ModelAdmin and implement `private_search(queryset, term)`."""

    change_list_template: Any = "admin/private_search_change_list.html"
    private_search_help: Any = ""
    model: type[Model]
    admin_site: admin.AdminSite

    def private_search(self, queryset: QuerySet, term: str) -> QuerySet:
        raise NotImplementedError

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _PrivateSearchChangeList

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        view = self.admin_site.admin_view(require_POST(self.search_view))
        search = path("search/", view, name=f"{opts.app_label}_{opts.model_name}_search")
        return [search, *super().get_urls()]  # type: ignore[misc]

    def search_view(self, request: HttpRequest) -> HttpResponse:
        term = request.POST.get("term", "").strip()[:100]
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if not term:
            return HttpResponseRedirect(changelist)
        token = secrets.token_urlsafe(9)
        searches = dict(list(request.session.get(_SESSION_KEY, {}).items())[-(_KEEP - 1) :])
        searches[token] = term
        request.session[_SESSION_KEY] = searches
        return HttpResponseRedirect(f"{changelist}?{SEARCH_PARAM}={token}")

    def _term(self, request: HttpRequest) -> str:
        token = request.GET.get(SEARCH_PARAM, "")
        return request.session.get(_SESSION_KEY, {}).get(token, "") if token else ""

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # The GET `q` parameter is ignored on purpose: only a posted term searches.
        term = self._term(request)
        if not term:
            return queryset, False
        return self.private_search(queryset, term), False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {
            "private_search_active": bool(self._term(request)),
            "private_search_help": self.private_search_help,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)  # type: ignore[misc]
