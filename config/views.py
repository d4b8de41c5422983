from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health as health_checks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public front page; a logged-in worker goes straight to their own page."""
    if request.user.is_authenticated and getattr(request.user, "role", None) == "worker":
        return redirect("workers:dashboard")
    return render(request, "home.html")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when database, broker and a worker answer; 503 naming what failed."""
    report = health_checks.run_all()
    status = 200 if all(part["ok"] for part in report.values()) else 503
    return JsonResponse({"status": "ok" if status == 200 else "fail", "checks": report}, status=status)
