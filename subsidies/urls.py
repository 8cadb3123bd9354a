"""URLs of the subsidies app."""

app_name = "subsidies"
urlpatterns: list = []
