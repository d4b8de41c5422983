"""Reads for the employer pages: the company's postings, members and sites."""

from django.db.models import QuerySet

from jobs.models import Employer, EmployerMember, JobPosting, Site


def postings_for_employer(*, employer: Employer) -> QuerySet[JobPosting]:
    """The employer's postings, newest first, with what the dashboard table shows."""
    return JobPosting.objects.filter(employer=employer).select_related("site", "county").order_by("-created_at", "-id")


def members_of(*, employer: Employer) -> QuerySet[EmployerMember]:
    """The employer's members, owners first."""
    return EmployerMember.objects.filter(employer=employer).select_related("user").order_by("role", "created_at", "id")


def sites_of(*, employer: Employer) -> QuerySet[Site]:
    """The employer's work sites with their county, prefecture and province."""
    return Site.objects.filter(employer=employer).select_related("county__parent__parent")
