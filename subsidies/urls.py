"""URLs of the subsidies app."""

from django.urls import path

from subsidies import views

app_name = "subsidies"
urlpatterns = [
    path("rapport/", views.report, name="report"),
    path("rapport/csv/", views.report_csv, name="report_csv"),
    path("rapport/<int:site_id>/", views.report, name="report_site"),
    path("rapport/<int:site_id>/csv/", views.report_csv, name="report_site_csv"),
    path("geld/", views.money, name="money"),
    path("geld/<int:site_id>/", views.money, name="money_site"),
    path("grootboek/<int:site_id>/", views.ledger, name="ledger"),
    path(
        "grootboek/<int:site_id>/<int:entry_id>/corrigeren/",
        views.ledger_correct,
        name="ledger_correct",
    ),
    path("aanwezigheden/<int:site_id>/", views.attendance_csv, name="attendance_csv"),
]
