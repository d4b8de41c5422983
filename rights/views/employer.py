"""Rights pages for the employer."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
