"""URLs of the subsidies app.

The downloads come as CSV for Belgian Excel and as an Excel workbook; the CSV keeps the
name and address it always had.
"""

from django.urls import path

from subsidies import views

CSV, XLSX = {"file_format": "csv"}, {"file_format": "xlsx"}

app_name = "subsidies"
urlpatterns = [
    path("rapport/", views.report, name="report"),
    path("rapport/csv/", views.report_file, CSV, name="report_csv"),
    path("rapport/xlsx/", views.report_file, XLSX, name="report_xlsx"),
    path("rapport/<int:site_id>/", views.report, name="report_site"),
    path("rapport/<int:site_id>/csv/", views.report_file, CSV, name="report_site_csv"),
    path("rapport/<int:site_id>/xlsx/", views.report_file, XLSX, name="report_site_xlsx"),
    path("geld/", views.money, name="money"),
    path("geld/<int:site_id>/", views.money, name="money_site"),
    path("grootboek/<int:site_id>/", views.ledger, name="ledger"),
    path(
        "grootboek/<int:site_id>/<int:entry_id>/corrigeren/",
        views.ledger_correct,
        name="ledger_correct",
    ),
    path("aanwezigheden/<int:site_id>/", views.attendance_file, CSV, name="attendance_csv"),
    path(
        "aanwezigheden/<int:site_id>/xlsx/",
        views.attendance_file,
        XLSX,
        name="attendance_xlsx",
    ),
]
