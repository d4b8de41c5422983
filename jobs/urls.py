from django.urls import path

from jobs.views import campaigns, employers, postings, search

app_name = "jobs"
urlpatterns = [
    # Public.
    path("jobs/", search.job_list, name="job_list"),
    path("jobs/<int:posting_id>/", search.job_detail, name="job_detail"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    # Employers.
    path("employers/register/", employers.register, name="employer_register"),
    path("employer/", employers.dashboard, name="employer_dashboard"),
    path("employer/members/", employers.members, name="employer_members"),
    path("employer/sites/", employers.sites, name="employer_sites"),
    path("employer/postings/new/", postings.create, name="posting_create"),
    path("employer/postings/<int:posting_id>/edit/", postings.edit, name="posting_edit"),
    path("employer/postings/<int:posting_id>/submit/", postings.submit, name="posting_submit"),
    path("employer/postings/<int:posting_id>/close/", postings.close, name="posting_close"),
]
