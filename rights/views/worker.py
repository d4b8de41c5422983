"""Rights pages for the worker."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
