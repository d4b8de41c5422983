"""The worker's trip page."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
