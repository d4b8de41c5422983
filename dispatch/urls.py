from django.urls import path

from dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("employer/trips/", views.incoming, name="incoming"),
]
