"""Evidence downloads for the parties of a case."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
