from django.contrib import admin
from django.urls import include, path

from config import views
from console.views import dashboard_view

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("regions/", include("reference.urls")),
    path("workers/", include("workers.urls")),
    path("training/", include("training.urls")),
    path("", include("matching.urls")),
    path("", include("dispatch.urls")),
    path("", include("rights.urls")),
    path("", include("jobs.urls")),
    path("console/statistics/", admin.site.admin_view(dashboard_view), name="console_statistics"),
    path("console/", admin.site.urls),
]
