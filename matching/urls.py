from django.urls import path

from matching.views import employer, worker

app_name = "matching"
urlpatterns = [
    # Workers, or their helpers under an assistance grant.
    path("offers/", worker.offer_list, name="offers"),
    path("offers/<int:offer_id>/", worker.offer_detail, name="offer"),
    path("offers/<int:offer_id>/accept/", worker.accept, name="offer_accept"),
    path("offers/<int:offer_id>/decline/", worker.decline, name="offer_decline"),
    # Employers.
    path("employer/postings/<int:posting_id>/candidates/", employer.candidates, name="candidates"),
    path("employer/offers/<int:offer_id>/confirm/", employer.confirm, name="offer_confirm"),
    path("employer/offers/<int:offer_id>/arrival/", employer.arrival, name="offer_arrival"),
]

from matching.views import reservations, skills  # noqa: E402

urlpatterns += [
    # Skill gaps: the worker's (or their helper's), and the bureau's by county.
    path("skills/", skills.skill_gaps, name="skill_gaps"),
    path("skills/bureau/", skills.skill_gaps_staff, name="skill_gaps_staff"),
    # Employers keep positions for a course's graduates.
    path("employer/postings/<int:posting_id>/reservations/", reservations.reservations, name="reservations"),
    path(
        "employer/postings/<int:posting_id>/reservations/<int:reservation_id>/remove/",
        reservations.reservation_delete,
        name="reservation_delete",
    ),
]
