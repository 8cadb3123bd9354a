from django.contrib import admin

from elief.admin import ForAdministrators, NamedAfterModel, related_column
from elief.models import Site
from planning.models import AbsenceCode, Group


@admin.register(Group)
class GroupAdmin(ForAdministrators, admin.ModelAdmin):
    list_display = [
        "name",
        related_column("site", Site),
        "capacity",
        "regular_places",
        "occasional_places",
        "urgent_reserve",
    ]
    list_filter = [("site", NamedAfterModel)]
    search_fields = ["name"]


@admin.register(AbsenceCode)
class AbsenceCodeAdmin(ForAdministrators, admin.ModelAdmin):
    list_display = ["label", "code", related_column("site", Site), "counts_for_regular"]
    list_filter = [("site", NamedAfterModel), "counts_for_regular"]
