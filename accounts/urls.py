from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("assist/", views.assist_start_view, name="assist_start"),
    path("assist/end/", views.assist_end_view, name="assist_end"),
]
