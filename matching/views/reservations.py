"""An employer keeps positions of a posting for a course's graduates (order-based training).

The posting is the request's employer's (jobs.views.common.posting_for);
another employer's posting is a 404. The rules live in
matching.services.reservations.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jobs.models import JobPosting
from jobs.views.common import posting_for
from matching.services.reservations import (
    ReservationError,
    positions_free,
    reservable_courses,
    reservation_remove,
    reservation_set,
)
from training.models import Course


class _CourseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} · {obj.provider.name} · {obj.starts_on:%Y-%m-%d}"


class ReservationForm(forms.Form):
    course = _CourseChoice(label=gettext_lazy("Course"), queryset=Course.objects.none())
    seats = forms.IntegerField(label=gettext_lazy("Positions to keep"), min_value=1)

    def __init__(self, data: Any = None, *, posting: JobPosting) -> None:
        super().__init__(data)
        course_field = self.fields["course"]
        assert isinstance(course_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        course_field.queryset = reservable_courses(posting=posting)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reservations(request: HttpRequest, posting_id: int) -> HttpResponse:
    member, posting = posting_for(request, posting_id)
    form = ReservationForm(request.POST or None, posting=posting)
    if request.method == "POST" and form.is_valid():
        try:
            reservation_set(
                member=member, posting=posting, course=form.cleaned_data["course"], seats=form.cleaned_data["seats"]
            )
        except ReservationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The positions are kept for the course's graduates."))
            return redirect("matching:reservations", posting_id=posting.pk)
    context = {
        "posting": posting,
        "form": form,
        "reservations": posting.reservations.select_related("course__provider").order_by("course__starts_on", "pk"),
        "free": positions_free(posting=posting),
    }
    return render(request, "matching/employer/reservations.html", context)


@login_required
@require_POST
def reservation_delete(request: HttpRequest, posting_id: int, reservation_id: int) -> HttpResponse:
    member, posting = posting_for(request, posting_id)
    try:
        reservation_remove(member=member, posting=posting, reservation_id=reservation_id)
    except ReservationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The positions are open to everyone again."))
    return redirect("matching:reservations", posting_id=posting.pk)
