from django.urls import path

from training.views import provider, worker

# The worker-side pages are defined next to their views (training.views.worker).
worker_urlpatterns = list(getattr(worker, "urlpatterns", []))

app_name = "training"
urlpatterns = [
    *worker_urlpatterns,
    # Providers.
    path("providers/register/", provider.register, name="provider_register"),
    path("provider/", provider.dashboard, name="provider_dashboard"),
    path("provider/courses/new/", provider.course_create, name="course_create"),
    path("provider/courses/<int:course_id>/", provider.course_detail, name="provider_course"),
    path("provider/courses/<int:course_id>/edit/", provider.course_edit, name="course_edit"),
    path("provider/courses/<int:course_id>/publish/", provider.course_publish, name="course_publish"),
    path(
        "provider/courses/<int:course_id>/sessions/<int:session_id>/attendance/",
        provider.session_attendance,
        name="session_attendance",
    ),
    path(
        "provider/courses/<int:course_id>/enrolments/<int:enrollment_id>/result/",
        provider.enrollment_result,
        name="enrollment_result",
    ),
]
