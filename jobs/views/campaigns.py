"""Placeholder while this module is being written; every view answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


job_list = job_detail = campaign_list = campaign_detail = _missing
register = dashboard = members = sites = candidates = _missing
create = edit = submit = close = _missing
