from dispatch.views import checkin, employer, worker

# Each page module lists its own routes next to its views.
app_name = "dispatch"
urlpatterns = [*worker.urlpatterns, *checkin.urlpatterns, *employer.urlpatterns]
