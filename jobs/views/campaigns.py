"""Public campaign pages: what each recruitment drive is, and its jobs with live counts."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jobs.selectors import campaign_with_counts, campaigns_with_counts, job_search


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/campaigns/campaign_list.html", {"campaigns": campaigns_with_counts()})


@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_with_counts(campaign_id=campaign_id)
    if campaign is None:
        raise Http404
    params = request.GET.copy()
    params["campaign"] = str(campaign.pk)
    search = job_search(params=params, user=request.user)
    page = search.page(request.GET.get("page"))
    return render(request, "jobs/campaigns/campaign_detail.html", {"campaign": campaign, "page": page})
