from django.urls import path

from planning.views import dayplan, settle, shifts, sites, today, transitions, waiting

app_name = "planning"
urlpatterns = [
    path("vestigingen/", sites.site_list, name="site_list"),
    path("vestigingen/<int:site_id>/", sites.site_detail, name="site_detail"),
    # The day plan, the week and the bookings
    path("dagplan/", dayplan.dayplan, name="dayplan"),
    path("dagplan/<int:site_id>/", dayplan.dayplan, name="dayplan_site"),
    path("dagplan/<int:site_id>/kinderen/", dayplan.child_picker, name="child_picker"),
    path("week/<int:site_id>/", dayplan.week, name="week"),
    path("daglijst/<int:site_id>/", dayplan.day_list, name="day_list"),
    path("leefgroepen/<int:group_id>/boeken/", dayplan.booking_add, name="booking_add"),
    path(
        "leefgroepen/<int:group_id>/boeken/formulier/",
        dayplan.booking_add_form,
        name="booking_add_form",
    ),
    path("boekingen/<int:booking_id>/", dayplan.booking_detail, name="booking_detail"),
    path("boekingen/<int:booking_id>/annuleren/", dayplan.booking_cancel, name="booking_cancel"),
    path("boekingen/<int:booking_id>/herstellen/", dayplan.booking_restore, name="booking_restore"),
    path("boekingen/<int:booking_id>/dringend/", dayplan.booking_urgent, name="booking_urgent"),
    path("boekingen/<int:booking_id>/verplaatsen/", dayplan.booking_move, name="booking_move"),
    path(
        "boekingen/<int:booking_id>/verplaatsen/formulier/",
        dayplan.booking_move_form,
        name="booking_move_form",
    ),
    # Today's list
    path("vandaag/", today.today, name="today"),
    path("vandaag/<int:site_id>/", today.today, name="today_site"),
    path("vandaag/boeking/<int:booking_id>/binnen/", today.check_in, name="today_check_in"),
    path("vandaag/boeking/<int:booking_id>/buiten/", today.check_out, name="today_check_out"),
    path("vandaag/boeking/<int:booking_id>/afwezig/", today.record_absence, name="today_absence"),
    path(
        "vandaag/boeking/<int:booking_id>/afwezig/formulier/",
        today.absence_form,
        name="today_absence_form",
    ),
    path("vandaag/boeking/<int:booking_id>/ongedaan/", today.undo, name="today_undo"),
    path(
        "vandaag/boeking/<int:booking_id>/verbeteren/",
        today.correct_form,
        name="today_correct_form",
    ),
    # Correcting attendance and settling a day
    path(
        "boekingen/<int:booking_id>/aanwezigheid/",
        settle.attendance_correct,
        name="attendance_correct",
    ),
    path("afronden/<int:site_id>/<str:day>/", settle.settle_day, name="settle_day"),
    path("afronden/boeking/<int:booking_id>/", settle.settle_booking, name="settle_booking"),
    path(
        "vandaag/<int:site_id>/leefgroep/<int:group_id>/dringend/",
        today.add_urgent,
        name="today_urgent",
    ),
    # Staff shifts
    path("diensten/<int:site_id>/", shifts.shifts, name="shifts"),
    path(
        "diensten/<int:site_id>/medewerkers/",
        shifts.staff_member_create,
        name="staff_member_create",
    ),
    # The waiting list
    path("wachtlijst/<int:site_id>/", waiting.waiting_list, name="waiting_list"),
    path("wachtlijst/<int:site_id>/nieuw/", waiting.waiting_create, name="waiting_create"),
    path("wachtlijst/<int:site_id>/<int:entry_id>/", waiting.waiting_update, name="waiting_update"),
    path(
        "wachtlijst/<int:site_id>/<int:entry_id>/status/",
        waiting.waiting_status,
        name="waiting_status",
    ),
    # Transitions to a regular place
    path("doorstroom/<int:site_id>/", transitions.transitions, name="transitions"),
    path(
        "doorstroom/<int:site_id>/<int:plan_id>/",
        transitions.transition_move,
        name="transition_move",
    ),
]
