"""Template filters of the public job pages."""

from django import template

from accounts import pii

register = template.Library()


@register.filter
def masked_phone(phone: str) -> str:
    """138****5678: the public page shows whose number it is, the full one comes with an offer."""
    return pii.mask_phone(phone) if phone else ""
