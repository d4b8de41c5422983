"""The change history of one record, for its console history page."""

from django import template
from django.db import models

from console.history import ObjectHistory, object_history

register = template.Library()


@register.simple_tag
def object_changes(obj: models.Model) -> ObjectHistory:
    """The latest recorded changes of `obj`; the page that calls this has already checked the staff may see it."""
    return object_history(obj)
