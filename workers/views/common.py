"""Whose profile a request works on: the worker's own, or the worker an agent acts for."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.assistance import current_assistance
from accounts.models import AssistanceGrant, User
from workers.models import Worker


@dataclass(frozen=True)
class Subject:
    """The worker a page acts on, and the assistance grant when someone acts for them."""

    worker: Worker
    grant: AssistanceGrant | None

    @property
    def assisted(self) -> bool:
        return self.grant is not None


def _worker_for(user: User) -> Worker:
    worker = Worker.objects.filter(user=user).first()
    if worker is not None:
        return worker
    try:
        with transaction.atomic():
            return Worker.objects.create(user=user)
    except IntegrityError:
        # A concurrent request of the same user created it first.
        return Worker.objects.get(user=user)


def subject_for(request: HttpRequest) -> Subject:
    """The worker behind this request; agents and staff need an active assistance grant.

    Raises PermissionDenied for anyone else (employers, providers, staff
    without a grant): a worker's pages are the worker's, or their helper's.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    if user.role == User.Role.WORKER and not user.is_staff:
        return Subject(worker=_worker_for(user), grant=None)
    grant = current_assistance(request)
    if grant is None:
        raise PermissionDenied
    return Subject(worker=_worker_for(grant.worker), grant=grant)
