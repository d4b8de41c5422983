"""Reads for the public pages: job search, the offer sheet, campaigns with their live counts."""

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from jobs.filters import JobPostingFilter
from jobs.models import Campaign, Employer, JobPosting
from reference.models import Region
from workers.models import Worker

PAGE_SIZE = 20
COUNT_CAP = 1000
# A new or closed posting must show within a minute; half of that leaves room for the page cache.
COUNT_SECONDS = 30
# Heavy or private columns a result list never shows (the phone would be decrypted row by row).
_LIST_DEFERRED = ("contact_phone_encrypted", "description", "review_flags", "overtime_rules", "training_offered")


def public_postings(*, today: date) -> QuerySet[JobPosting]:
    """Public postings with `net` (the stored net monthly pay) and what a result line shows, in one query."""
    return (
        JobPosting.objects.public(today=today)
        .annotate(net=F("net_monthly"))
        .select_related("employer", "occupation", "campaign", "county__parent__parent")
        .defer(*_LIST_DEFERRED)
    )


@dataclass
class JobSearch:
    filterset: JobPostingFilter
    postings: QuerySet[JobPosting]
    count_key: str

    def page(self, number: Any) -> Page:
        """One page of results; the total is cached briefly so paging a big result skips the COUNT."""
        return CachedCountPaginator(self.postings, PAGE_SIZE, count_key=self.count_key).get_page(number)


class CachedCountPaginator(Paginator):
    """Counts at most COUNT_CAP results, cached briefly, and fetches a page by ids first.

    Beyond a thousand results nobody pages on; they narrow the search, so an
    exact COUNT over the whole table on every request buys nothing. Sorting
    only ids, then reading twenty full rows, keeps the sort narrow when a
    broad filter leaves tens of thousands of rows to order.
    """

    def __init__(self, queryset: QuerySet[JobPosting], per_page: int, *, count_key: str) -> None:
        super().__init__(queryset, per_page)
        self.queryset = queryset
        self.count_key = count_key

    @cached_property
    def total(self) -> int:
        total = cache.get(self.count_key)
        if not isinstance(total, int):
            total = self.queryset.order_by()[: COUNT_CAP + 1].count()
            cache.set(self.count_key, total, COUNT_SECONDS)
        return total

    @cached_property
    def count(self) -> int:
        return min(self.total, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.queryset.values_list("id", flat=True)[bottom : bottom + self.per_page])
        rows = {posting.pk: posting for posting in self.queryset.order_by().filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


def home_county(user: Any) -> Region | None:
    """A logged-in worker's hukou county, the origin of "nearest to my home"; None for anyone else."""
    if not user.is_authenticated:
        return None
    worker = Worker.objects.select_related("hukou_county").filter(user_id=user.pk).only("hukou_county").first()
    return worker.hukou_county if worker is not None else None


def job_search(*, params: Any, user: Any, today: date | None = None) -> JobSearch:
    """Public postings filtered and ordered by the search form's GET parameters."""
    today = today or timezone.localdate()
    filterset = JobPostingFilter(params, queryset=public_postings(today=today), today=today, home=home_county(user))
    postings = filterset.qs
    return JobSearch(filterset=filterset, postings=postings, count_key=_count_key(filterset, today))


def _count_key(filterset: JobPostingFilter, today: date) -> str:
    # Only the filters decide the total, not the order or the page.
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    parts = [today.isoformat()]
    for name in sorted(cleaned):
        value = cleaned[name]
        if name == "sort" or value in (None, "", False):
            continue
        parts.append(f"{name}={getattr(value, 'pk', value)}")
    digest = hashlib.sha256("&".join(parts).encode()).hexdigest()[:32]
    return f"jobs:search-count:{digest}"


def public_posting(*, posting_id: int, today: date | None = None) -> JobPosting | None:
    """A public posting with everything its offer sheet shows; None if it is not public."""
    today = today or timezone.localdate()
    return (
        JobPosting.objects.public(today=today)
        .select_related("employer", "site", "occupation", "campaign", "county__parent__parent")
        .filter(pk=posting_id)
        .first()
    )


def _public_posting_q(today: date) -> Q:
    return (
        Q(postings__status=JobPosting.Status.PUBLISHED)
        & ~Q(postings__employer__standing=Employer.Standing.BLOCKED)
        & (Q(postings__expires_on__isnull=True) | Q(postings__expires_on__gte=today))
    )


def campaigns_with_counts(*, today: date | None = None) -> QuerySet[Campaign]:
    """Campaigns, newest first, each with the number of its public postings, positions and places filled."""
    public = _public_posting_q(today or timezone.localdate())
    return Campaign.objects.annotate(
        posting_count=Count("postings", filter=public),
        positions=Coalesce(Sum("postings__headcount", filter=public), 0, output_field=IntegerField()),
        filled=Coalesce(Sum("postings__filled_count", filter=public), 0, output_field=IntegerField()),
    ).order_by("-starts_on", "-id")


def campaign_with_counts(*, campaign_id: int, today: date | None = None) -> Campaign | None:
    """One campaign with its live counts and regions; None if there is no such campaign."""
    return campaigns_with_counts(today=today).prefetch_related("regions").filter(pk=campaign_id).first()
