"""URLs of planning.views.transitions."""

urlpatterns: list = []
