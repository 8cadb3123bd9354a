"""URLs of planning.views.waiting."""

urlpatterns: list = []
