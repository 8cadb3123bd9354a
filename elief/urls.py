from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("elief.core_urls")),
    path("gezinnen/", include("families.urls")),
    path("planning/", include("planning.urls")),
    path("toeleiding/", include("referrals.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("", include("parents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
