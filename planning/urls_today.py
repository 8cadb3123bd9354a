"""URLs of planning.views.today."""

from django.urls import path

from planning.views import today

urlpatterns = [
    path("vandaag/", today.today, name="today"),
    path("vandaag/<int:site_id>/", today.today, name="today_site"),
    path("vandaag/boeking/<int:booking_id>/binnen/", today.check_in, name="today_check_in"),
    path("vandaag/boeking/<int:booking_id>/buiten/", today.check_out, name="today_check_out"),
    path("vandaag/boeking/<int:booking_id>/afwezig/", today.record_absence, name="today_absence"),
    path(
        "vandaag/<int:site_id>/leefgroep/<int:group_id>/dringend/",
        today.add_urgent,
        name="today_urgent",
    ),
]
