"""URLs of planning.views.dayplan."""

urlpatterns: list = []
