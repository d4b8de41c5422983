"""A page with a region picker, standing in for the project's real forms."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from reference.forms import RegionField, RegionRefreshFormMixin, is_region_refresh

PAGE = engines["django"].from_string(
    "{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}"
    '<!DOCTYPE html><html lang="{{ LANGUAGE_CODE }}"><head>'
    '<link rel="stylesheet" href="{% static \'css/site.css\' %}">{{ form.media }}</head><body>'
    '<form method="post">{% csrf_token %}{{ form }}<button type="submit">Save</button></form></body></html>'
)


class PlaceForm(RegionRefreshFormMixin, forms.Form):
    name = forms.CharField()
    home = RegionField(label="Home county")


def place_view(request: HttpRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and not is_region_refresh(request) and form.is_valid():
        return HttpResponse(f"Saved {form.cleaned_data['name']} from {form.cleaned_data['home'].code}")
    return HttpResponse(PAGE.render({"form": form}, request))


urlpatterns = [
    path("place/", place_view, name="place"),
    path("regions/", include("reference.urls")),
]
