"""The administrator manages schemes, rates and places here; the ledger only grows."""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from elief import dates
from elief.admin import ForAdministrators, NamedAfterModel, ReadOnly, related_column
from elief.models import Site
from planning.models import Group
from subsidies import services
from subsidies.models import (
    DaySnapshot,
    LedgerEntry,
    PlaceAssignment,
    Scheme,
    SchemeKind,
    SchemeRate,
)


class SchemeRateInline(ForAdministrators, admin.TabularInline):
    model = SchemeRate
    extra = 0
    fields = ["valid_from", "rate_eur", "units"]


class PlaceAssignmentFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        scheme = self.instance
        if scheme.kind != SchemeKind.PER_PLACE_DAY:
            if any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
                raise ValidationError(_("Only a scheme paid per place-day is assigned places."))
            return
        mine: dict[tuple, dict] = defaultdict(dict)
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            if scheme.site_id and data["group"].site_id != scheme.site_id:
                form.add_error("group", _("The group belongs to another site."))
                continue
            mine[(data["group"], data["place_type"])][data["valid_from"]] = data["places"]
        for (group, place_type), entries in mine.items():
            others = PlaceAssignment.objects.filter(
                group=group, place_type=place_type, scheme__kind=SchemeKind.PER_PLACE_DAY
            )
            if scheme.pk:
                others = others.exclude(scheme=scheme)
            services.place_assignments_check(
                group=group,
                place_type=place_type,
                entries=[(o.valid_from, f"scheme {o.scheme_id}", o.places) for o in others]
                + [(valid_from, "this", places) for valid_from, places in entries.items()],
            )


class PlaceAssignmentInline(ForAdministrators, admin.TabularInline):
    model = PlaceAssignment
    formset = PlaceAssignmentFormSet
    extra = 0
    fields = ["group", "place_type", "valid_from", "places"]


@admin.register(Scheme)
class SchemeAdmin(ForAdministrators, admin.ModelAdmin):
    list_display = ["name", related_column("site", Site), "kind", "category"]
    list_filter = [("site", NamedAfterModel), "kind", "category"]
    search_fields = ["name"]
    inlines = [SchemeRateInline, PlaceAssignmentInline]
    fieldsets = [
        (None, {"fields": ["site", "name", "kind", "category", "prefinanced_scheme"]}),
        (
            _("Conditions"),
            {
                "fields": [
                    "min_occupancy_pct",
                    "min_vulnerable_pct",
                    "min_open_days",
                    "min_open_hours",
                ]
            },
        ),
    ]


class LedgerEntryAdminForm(forms.ModelForm):
    """The same plausible dates and amounts as the coordinator's ledger page."""

    class Meta:
        model = LedgerEntry
        fields = ["scheme", "kind", "period_start", "date", "amount_eur", "note", "corrects"]
        field_classes = {"period_start": dates.DateField, "date": dates.PaymentDateField}

    def clean_amount_eur(self):
        amount = self.cleaned_data["amount_eur"]
        if amount is not None and amount < 0:
            raise ValidationError(
                _("An amount is never negative: the kind says which way it went.")
            )
        return amount


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ForAdministrators, admin.ModelAdmin):
    """Add only: a wrong entry is corrected by a new one that names it in "corrects"."""

    form = LedgerEntryAdminForm

    list_display = [
        "period_start",
        related_column("scheme", Scheme),
        "kind",
        "date",
        "amount_eur",
        "corrects",
        "created_by",
        "created_at",
    ]
    list_filter = [("scheme", NamedAfterModel), "kind"]
    fields = ["scheme", "kind", "period_start", "date", "amount_eur", "note", "corrects"]
    raw_id_fields = ["corrects"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: LedgerEntry, form, change: bool) -> None:
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DaySnapshot)
class DaySnapshotAdmin(ReadOnly, ForAdministrators, admin.ModelAdmin):
    """The nightly figures, to look at: the nightly job writes them."""

    list_display = [
        "date",
        related_column("group", Group),
        "capacity",
        "booked",
        "present",
        "prestaties",
        "lost_eur",
    ]
    list_filter = [("group", NamedAfterModel)]
    date_hierarchy = "date"
    ordering = ["date", "group__site__name", "group__name"]
