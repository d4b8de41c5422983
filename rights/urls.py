from rights.views import employer, worker

# Each page module lists its own routes next to its views.
app_name = "rights"
urlpatterns = [*worker.urlpatterns, *employer.urlpatterns]
