from django.contrib import admin

from elief.admin import ForAdministrators, ReadOnly
from elief.admin import OrganisationAdmin as CoreOrganisationAdmin
from elief.models import Organisation
from referrals.models import ContactPerson, Referral, ReferralStep


@admin.register(ContactPerson)
class ContactPersonAdmin(ForAdministrators, admin.ModelAdmin):
    list_display = ["name", "organisation", "function", "phone", "email", "active"]
    list_filter = ["organisation", "active"]
    search_fields = ["name", "email"]


class ContactPersonInline(ForAdministrators, admin.TabularInline):
    model = ContactPerson
    extra = 1
    fields = ["name", "function", "phone", "email", "active"]


# The organisations live in the core, their contact persons here: the core's admin gets
# them inline without the core knowing of referrals.
admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationAdmin(CoreOrganisationAdmin):
    inlines = [*CoreOrganisationAdmin.inlines, ContactPersonInline]


class ReferralStepInline(ReadOnly, ForAdministrators, admin.TabularInline):
    model = ReferralStep
    extra = 0
    fields = ["status", "date", "by", "note", "at"]
    readonly_fields = ["at"]


@admin.register(Referral)
class ReferralAdmin(ReadOnly, ForAdministrators, admin.ModelAdmin):
    list_display = [
        "pk",
        "site",
        "organisation",
        "received_date",
        "reason",
        "urgent",
        "status",
        "first_care_day",
    ]
    list_filter = ["site", "organisation", "status", "urgent", "reason"]
    date_hierarchy = "received_date"
    raw_id_fields = ["family", "child", "contact", "submitted_by"]
    inlines = [ReferralStepInline]
