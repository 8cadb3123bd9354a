"""URLs of planning.views.dayplan."""

from django.urls import path

from planning.views import dayplan

urlpatterns = [
    path("dagplan/", dayplan.dayplan, name="dayplan"),
    path("dagplan/<int:site_id>/", dayplan.dayplan, name="dayplan_site"),
    path("week/<int:site_id>/", dayplan.week, name="week"),
    path("daglijst/<int:site_id>/", dayplan.day_list, name="day_list"),
    path("leefgroepen/<int:group_id>/boeken/", dayplan.booking_add, name="booking_add"),
    path("boekingen/<int:booking_id>/", dayplan.booking_detail, name="booking_detail"),
    path("boekingen/<int:booking_id>/annuleren/", dayplan.booking_cancel, name="booking_cancel"),
    path("boekingen/<int:booking_id>/herstellen/", dayplan.booking_restore, name="booking_restore"),
    path("boekingen/<int:booking_id>/dringend/", dayplan.booking_urgent, name="booking_urgent"),
    path("boekingen/<int:booking_id>/verplaatsen/", dayplan.booking_move, name="booking_move"),
]
