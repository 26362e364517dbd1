from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def quick_exit_url() -> str:
    """The neutral site the quick exit leads to (QUICK_EXIT_URL)."""
    return settings.QUICK_EXIT_URL
