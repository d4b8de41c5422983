"""The worker's own data: download it, or delete the account.

Only the worker, logged in themselves, may do either: an agent's consent
covers helping with jobs, not taking away or erasing someone's data.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from workers.forms.account import DeleteAccountForm
from workers.models import Worker
from workers.selectors import worker_data_export
from workers.services.privacy import worker_erase
from workers.views.common import subject_for


def _own_worker(request: HttpRequest) -> Worker:
    """The logged-in worker's own profile; refused to anyone acting for them."""
    subject = subject_for(request)
    if subject.assisted:
        raise PermissionDenied
    return subject.worker


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def export_data(request: HttpRequest) -> HttpResponse:
    # The download is a POST, so no link preview or prefetch ever fetches it.
    worker = _own_worker(request)
    if request.method == "GET":
        return render(request, "workers/account_export.html")
    response = JsonResponse(
        worker_data_export(worker=worker),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    filename = f"chunfeng-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    worker = _own_worker(request)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        worker_erase(worker=worker)
        logout(request)
        messages.success(request, _("Your account has been deleted and your personal details erased."))
        return redirect("home")
    return render(request, "workers/account_delete.html", {"form": form})
