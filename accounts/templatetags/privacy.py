"""Personal data on pages: masked, never whole."""

from django import template

from accounts import pii

register = template.Library()


@register.filter
def masked_name(name: str) -> str:
    """张** for 张伟: see accounts.pii.mask_name."""
    return pii.mask_name(name)
