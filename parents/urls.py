from django.urls import path

from parents import views

app_name = "parents"
urlpatterns = [
    # The parents' pages: the token is the family's key.
    path("ouder/<str:token>/", views.home, name="home"),
    path("ouder/<str:token>/vraag/", views.ask, name="ask"),
    path("ouder/<str:token>/dag/<int:booking_id>/afwezig/", views.absence, name="absence"),
    path("ouder/<str:token>/dag/<int:booking_id>/bevestigen/", views.confirm, name="confirm"),
    path("herinnering/<str:key>/", views.reminder, name="reminder"),
    # The coordinator's.
    path("ouders/gezinnen/<int:family_id>/link/", views.link_create, name="link_create"),
    path("ouders/gezinnen/<int:family_id>/link/intrekken/", views.link_revoke, name="link_revoke"),
    path("ouders/vestigingen/<int:site_id>/vragen/", views.request_list, name="request_list"),
    path("ouders/vragen/<int:request_id>/aanvaarden/", views.request_accept, name="request_accept"),
    path("ouders/vragen/<int:request_id>/weigeren/", views.request_refuse, name="request_refuse"),
]
