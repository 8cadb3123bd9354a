from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from elief.models import ClosingDay, Organisation, Role, Site, SiteSettings, User


def _administrators_only(request) -> bool:
    user = request.user
    return (
        user.is_active and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)
    )


# The Django admin is for the administrator alone, whatever flags a user carries.
admin.site.has_permission = _administrators_only
admin.site.site_header = _("Elief administration")
admin.site.site_title = _("Elief administration")


class SiteSettingsInline(admin.StackedInline):
    model = SiteSettings
    extra = 0


class ClosingDayInline(admin.TabularInline):
    model = ClosingDay
    extra = 1


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "licensed_places", "opens", "closes"]
    inlines = [SiteSettingsInline, ClosingDayInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "sites", "organisation", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        (_("Role and scope"), {"fields": ["role", "sites", "organisation"]}),
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    filter_horizontal = ["sites"]
