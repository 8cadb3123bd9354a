"""The Django admin, the administrator's tool: users, sites, organisations, and what the
other apps register with the same permissions (`ForAdministrators`).

The administrator is a role, not a set of model permissions: every model admin asks
`is_administrator`, so a user with the role sees every model and a user without it none,
whatever flags or permissions he carries. Every change through the admin is recorded by
Django's LogEntry (who, when, what), shown per object under "History" and as a whole under
"Log entries".
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elief import dates
from elief.models import ClosingDay, Organisation, Role, Site, SiteSettings, User


def is_administrator(request: HttpRequest) -> bool:
    user = request.user
    return (
        user.is_active and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)
    )


# The Django admin is for the administrator alone, whatever flags a user carries.
admin.site.has_permission = is_administrator
admin.site.site_header = _("Elief administration")
admin.site.site_title = _("Elief administration")
admin.site.index_title = _("Administration")
# Access goes by role, never by Django's permission groups, which would only be confused
# with the daycare's groups (leefgroepen).
admin.site.unregister(AuthGroup)


def _default_label(field: models.Field) -> bool:
    """Whether a field got no verbose name of its own (Django then takes its name)."""
    return str(field.verbose_name) == field.name.replace("_", " ")


class NamedAfterModel(admin.RelatedFieldListFilter):
    """A filter on a foreign key titled with the model it points to ("vestiging"), since
    most foreign keys carry no verbose name of their own."""

    def __init__(self, field, request, params, model, model_admin, field_path) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        if _default_label(field):
            self.title = field.related_model._meta.verbose_name


def related_column(name: str, model: type[models.Model]) -> object:
    """A list column for the foreign key `name`, headed with its model's verbose name."""

    @admin.display(description=capfirst(model._meta.verbose_name), ordering=name)
    def column(obj: models.Model) -> object:
        return getattr(obj, name)

    column.__name__ = f"{name}_column"
    return column


class ForAdministrators:
    """The administrator manages the models by role, without model permissions to hand out.

    Also labels a foreign key without a verbose name of its own after the model it points
    to, so the form reads "Vestiging", not "Site".
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request)

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs):
        if isinstance(db_field, models.DateField) and not isinstance(
            db_field, models.DateTimeField
        ):
            # Held to the application's dates like every other form: a closing day or a
            # rate from the year 9999 would reach the calendar arithmetic.
            kwargs.setdefault("form_class", dates.DateField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.is_relation and _default_label(db_field):
            formfield.label = capfirst(db_field.related_model._meta.verbose_name)
        return formfield


class SiteSettingsInline(ForAdministrators, admin.StackedInline):
    model = SiteSettings
    extra = 0


class ClosingDayInline(ForAdministrators, admin.TabularInline):
    model = ClosingDay
    extra = 1


@admin.register(Site)
class SiteAdmin(ForAdministrators, admin.ModelAdmin):
    list_display = ["name", "licensed_places", "opens", "closes"]
    search_fields = ["name"]
    inlines = [SiteSettingsInline, ClosingDayInline]


@admin.register(ClosingDay)
class ClosingDayAdmin(ForAdministrators, admin.ModelAdmin):
    list_display = ["date", related_column("site", Site), "reason"]
    list_filter = [("site", NamedAfterModel)]
    date_hierarchy = "date"
    ordering = ["site__name", "date"]


@admin.register(Organisation)
class OrganisationAdmin(ForAdministrators, admin.ModelAdmin):
    search_fields = ["name"]


@admin.action(description=_("Deactivate the selected users"))
def deactivate_users(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active", "is_staff"])
        modeladmin.log_change(request, user, [{"changed": {"fields": ["is_active"]}}])
    modeladmin.message_user(
        request,
        ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", len(users))
        % {"count": len(users)},
        messages.SUCCESS,
    )


@admin.register(User)
class UserAdmin(ForAdministrators, BaseUserAdmin):
    """Accounts are deactivated, never deleted: the history says who did what."""

    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "sites", "organisation", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        (_("Role and scope"), {"fields": ["role", "sites", "organisation"]}),
        (
            _("Status"),
            {
                "fields": [
                    "is_active",
                    "is_superuser",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role and scope"), {"fields": ["role", "sites", "organisation"]}),
    ]
    # A daycare has a handful of sites: a tick box each reads better than a two-list picker.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    actions = [deactivate_users]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = ["last_login", "date_joined"]
        # Only a superuser makes another: the administrator's role is the way in.
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        user = self.get_object(request, object_id)
        if user is not None and user.is_active:
            extra_context = {
                **(extra_context or {}),
                "password_reset_link": request.build_absolute_uri(password_reset_path(user)),
            }
        return super().change_view(request, object_id, form_url, extra_context)


def password_reset_path(user: User) -> str:
    """A link that lets `user` choose a password once: Django's reset token, valid for
    PASSWORD_RESET_TIMEOUT and void as soon as the password changes or the user signs in."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


class ReadOnly:
    """What the administration only shows: it changes through the app's own pages and
    services (referrals and their steps, the nightly figures, the change log)."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly, ForAdministrators, admin.ModelAdmin):
    """Every change made in the administration: who, when, which object, what."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action", "change"]
    list_filter = ["action_flag", "content_type", "user"]
    date_hierarchy = "action_time"
    search_fields = ["object_repr", "change_message"]
    list_select_related = ["user", "content_type"]

    @admin.display(description=_("action"), ordering="action_flag")
    def action(self, entry: LogEntry) -> str:
        return entry.get_action_flag_display()

    @admin.display(description=_("change"))
    def change(self, entry: LogEntry) -> str:
        return entry.get_change_message()
