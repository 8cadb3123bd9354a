"""URLs of planning.views.shifts."""

urlpatterns: list = []
