from django.urls import path

from reference import views

app_name = "reference"
urlpatterns = [
    path("children/", views.region_children_json, name="children"),
]
