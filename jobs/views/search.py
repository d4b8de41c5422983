"""The public job search and a posting's offer sheet; no log-in needed, no personal data asked."""

import hashlib
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from jobs.selectors import job_search, public_posting
from reference.forms import is_region_refresh

# A new or closed posting shows within a minute: 30 s here, plus at most 30 s of cached totals.
LIST_CACHE_SECONDS = 30


def _job_list(request: HttpRequest) -> HttpResponse:
    search = job_search(params=request.GET, user=request.user)
    page = search.page(request.GET.get("page"))
    # On a phone the results come first after a search; the choices stay open until one is made.
    show_form = not request.GET or is_region_refresh(request)
    context = {"filter": search.filterset, "page": page, "show_form": show_form, "form_key": _form_key(request)}
    return render(request, "jobs/search/job_list.html", context)


def _form_key(request: HttpRequest) -> str:
    """What the rendered filter form depends on: the choices made and whose home "nearest" means."""
    choices = sorted((name, value) for name, values in request.GET.lists() if name != "page" for value in values)
    raw = f"{request.user.pk or 0}?{urlencode(choices)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


_cached_job_list = cache_page(LIST_CACHE_SECONDS, key_prefix="jobs-list")(_job_list)


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    # Only anonymous pages are shared: a worker's page may sort by the worker's own home.
    if request.user.is_authenticated:
        return _job_list(request)
    return _cached_job_list(request)


@require_GET
def job_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = public_posting(posting_id=posting_id)
    if posting is None:
        raise Http404
    return render(request, "jobs/search/job_detail.html", {"posting": posting})
