from django.urls import path

from workers.views import account, home, signup, unemployment

app_name = "workers"
urlpatterns = [
    # Sign-up steps; after sign-up the same pages edit the profile.
    path("signup/", signup.start, name="signup"),
    path("signup/identity/", signup.identity, name="signup_identity"),
    path("signup/home/", signup.home_county, name="signup_home"),
    path("signup/work/", signup.work, name="signup_work"),
    path("signup/group/", signup.group, name="signup_group"),
    path("signup/poor-labourer/", signup.poor_labourer, name="signup_poor_labourer"),
    path("groups/invitations/<int:membership_id>/", signup.invitation, name="cohort_invitation"),
    # The worker's own pages.
    path("me/", home.dashboard, name="dashboard"),
    path("me/unemployment/", unemployment.register, name="unemployment"),
    path("me/data/", account.export_data, name="export"),
    path("me/delete/", account.delete_account, name="delete"),
]
