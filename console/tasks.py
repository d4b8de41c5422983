"""Celery tasks of the console: ids in, one call, safe to run twice."""

from celery import shared_task

from console.statistics.snapshots import dashboard_refresh, first_views


@shared_task(name="console.tasks.refresh_dashboards", acks_late=True, soft_time_limit=60, time_limit=90)
def refresh_dashboards() -> int:
    """Queue a recount of every first view staff open (one task each, so several workers share them)."""
    views = first_views()
    for region_code, language in views:
        refresh_dashboard.delay(region_code, language)
    return len(views)


@shared_task(name="console.tasks.refresh_dashboard", acks_late=True, soft_time_limit=600, time_limit=660)
def refresh_dashboard(region_code: str | None, language: str) -> None:
    """Count one region's dashboard again for this year, in the language."""
    dashboard_refresh(region_code=region_code, language=language)
