from django.urls import path

from families import views

app_name = "families"
urlpatterns = [
    path("", views.family_list, name="family_list"),
    path("nieuw/", views.family_create, name="family_create"),
    path("sociale-mix/", views.social_mix, name="social_mix"),
    path("privacy/", views.privacy, name="privacy"),
    path("<int:family_id>/", views.family_detail, name="family_detail"),
    path("<int:family_id>/bewerken/", views.family_edit, name="family_edit"),
    path("<int:family_id>/criteria/", views.criteria_edit, name="criteria_edit"),
    path("<int:family_id>/ouders/nieuw/", views.guardian_edit, name="guardian_create"),
    path("<int:family_id>/ouders/<int:guardian_id>/", views.guardian_edit, name="guardian_edit"),
    path("<int:family_id>/kinderen/nieuw/", views.child_create, name="child_create"),
    path("<int:family_id>/export.json", views.family_export, name="family_export"),
    path("<int:family_id>/wissen/", views.family_erase, name="family_erase"),
    path("kinderen/<int:child_id>/", views.child_edit, name="child_edit"),
    path("kinderen/<int:child_id>/opvangplan/", views.care_plan_create, name="care_plan_create"),
    path("kinderen/<int:child_id>/wenmomenten/", views.settling_in, name="settling_in"),
    path(
        "kinderen/<int:child_id>/wenmomenten/wissen/",
        views.settling_in_clear,
        name="settling_in_clear",
    ),
    path("opvangplannen/<int:plan_id>/", views.care_plan_change, name="care_plan_change"),
]
