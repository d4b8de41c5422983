"""Placeholder while this module is being written; every view answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


start = identity = home_county = work = group = poor_labourer = invitation = _missing
dashboard = register = export_data = delete_account = _missing
