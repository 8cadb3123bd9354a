"""URLs of planning.views.shifts."""

from django.urls import path

from planning.views import shifts

urlpatterns = [
    path("diensten/<int:site_id>/", shifts.shifts, name="shifts"),
    path(
        "diensten/<int:site_id>/medewerkers/",
        shifts.staff_member_create,
        name="staff_member_create",
    ),
]
