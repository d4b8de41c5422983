"""Running a service from a form view: a refusal becomes the form's error, nothing else happens."""

from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import ValidationError


class ErrorTarget(Protocol):
    def add_error(self, field: str | None, error: ValidationError) -> None: ...


def service_saved(target: ErrorTarget, save: Callable[..., Any], **arguments: Any) -> Any:
    """Run the service and return what it returns; on a refusal, None and the messages on the form.

    A ValidationError with a dict of fields puts each message next to its field.
    """
    try:
        return save(**arguments)
    except ValidationError as error:
        target.add_error(None, error)
        return None
