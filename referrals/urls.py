"""URLs of the referrals app, mounted at /toeleiding/."""

from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    # The coordinator's intake
    path("", views.referral_list, name="referral_list"),
    path("nieuw/", views.referral_create, name="referral_create"),
    path("<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<int:referral_id>/stap/<str:status>/", views.referral_step, name="referral_step"),
    path("<int:referral_id>/gezin/", views.referral_match, name="referral_match"),
    path("<int:referral_id>/starten/", views.referral_start, name="referral_start"),
    path("organisaties/", views.organisation_list, name="organisation_list"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation_create"),
    path(
        "organisaties/<int:organisation_id>/contactpersonen/nieuw/",
        views.contact_create,
        name="contact_create",
    ),
    path("contactpersonen/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("cijfers/", views.referral_figures, name="referral_figures"),
    # The partner portal
    path("portaal/", views.portal, name="portal"),
    path("portaal/nieuw/", views.portal_create, name="portal_create"),
    path("portaal/<int:referral_id>/", views.portal_detail, name="portal_detail"),
]
