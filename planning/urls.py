from django.urls import include, path

from planning.views import sites

app_name = "planning"
urlpatterns = [
    path("vestigingen/", sites.site_list, name="site_list"),
    path("vestigingen/<int:site_id>/", sites.site_detail, name="site_detail"),
    # One URL module per subject, so each grows on its own.
    path("", include("planning.urls_dayplan")),
    path("", include("planning.urls_today")),
    path("", include("planning.urls_shifts")),
    path("", include("planning.urls_waiting")),
    path("", include("planning.urls_transitions")),
]
