"""URLs of planning.views.waiting."""

from django.urls import path

from planning.views import waiting

urlpatterns = [
    path("wachtlijst/<int:site_id>/", waiting.waiting_list, name="waiting_list"),
    path("wachtlijst/<int:site_id>/nieuw/", waiting.waiting_create, name="waiting_create"),
    path(
        "wachtlijst/<int:site_id>/<int:entry_id>/",
        waiting.waiting_update,
        name="waiting_update",
    ),
    path(
        "wachtlijst/<int:site_id>/<int:entry_id>/status/",
        waiting.waiting_status,
        name="waiting_status",
    ),
]
