from rights.views import employer, evidence, worker

# Each page module lists its own routes next to its views.
app_name = "rights"
urlpatterns = [*worker.urlpatterns, *employer.urlpatterns, *evidence.urlpatterns]
