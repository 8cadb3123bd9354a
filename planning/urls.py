from django.urls import path

from planning import views

app_name = "planning"
urlpatterns = [
    path("vestigingen/", views.site_list, name="site_list"),
    path("vestigingen/<int:site_id>/", views.site_detail, name="site_detail"),
]
