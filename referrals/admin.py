from django.contrib import admin

from referrals.models import ContactPerson, Referral, ReferralStep


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "function", "phone", "email", "active"]
    list_filter = ["organisation", "active"]
    search_fields = ["name", "email"]


class ReferralStepInline(admin.TabularInline):
    model = ReferralStep
    extra = 0
    fields = ["status", "date", "by", "note", "at"]
    readonly_fields = ["at"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
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
