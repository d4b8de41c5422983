"""Boarding check-in by staff."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
