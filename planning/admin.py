from django.contrib import admin

from planning.models import Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "site",
        "capacity",
        "regular_places",
        "occasional_places",
        "urgent_reserve",
    ]
    list_filter = ["site"]
