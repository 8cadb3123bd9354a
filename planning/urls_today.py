"""URLs of planning.views.today."""

urlpatterns: list = []
