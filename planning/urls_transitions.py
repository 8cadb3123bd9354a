"""URLs of planning.views.transitions."""

from django.urls import path

from planning.views import transitions

urlpatterns = [
    path("doorstroom/<int:site_id>/", transitions.transitions, name="transitions"),
    path(
        "doorstroom/<int:site_id>/<int:plan_id>/",
        transitions.transition_move,
        name="transition_move",
    ),
]
