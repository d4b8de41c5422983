"""Evidence downloads: the worker (or their helper) and staff of either county get every file of a case, the
employer's members only the files the company gave.

Files live under EVIDENCE_ROOT, outside the web root; this view is their only
way out. Anyone else gets a 404, so a file's existence is not given away.
"""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.assistance import current_assistance
from accounts.models import User
from rights import services
from rights.models import Evidence

# Shown in the browser; anything else (PDFs) is downloaded rather than opened inside the site.
INLINE_TYPES = ("image/jpeg", "image/png")


@login_required
@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """The file of one piece of evidence, for a party of its case; a 404 for anyone else."""
    evidence = get_object_or_404(Evidence.objects.select_related("case__worker"), pk=evidence_id)
    if not services.evidence_visible(cast(User, request.user), evidence, current_assistance(request)):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=evidence.content_type not in INLINE_TYPES,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # An image opened on its own runs nothing: no scripts, no plugins, no frames around it.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


urlpatterns = [
    path("cases/evidence/<int:evidence_id>/", evidence_download, name="evidence"),
]
