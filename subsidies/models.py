"""Subsidy schemes with their dated rates and places, the ledger, and the nightly figures.

A rate or a number of places never changes in place: a change is a new dated entry, so a
past day is always computed with what applied then. The ledger is append-only: a mistake
is corrected by a new entry that points at the one it corrects.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elief.models import Site
from planning.models import LEGAL_MAX_CAPACITY, Group
from subsidies import rules


class SchemeKind(models.TextChoices):
    PER_PLACE_DAY = "per_place_day", _("per place per day")
    PER_TRAINEE_MONTH = "per_trainee_month", _("per trainee per month")
    LUMP_SUM = "lump_sum", _("lump sum per year")


class SchemeCategory(models.TextChoices):
    TRAP1 = "trap1", _("Kind en Gezin step 1")
    TRAP2A = "trap2a", _("Kind en Gezin step 2A")
    TRAP2B = "trap2b", _("Kind en Gezin step 2B")
    TRAP3 = "trap3", _("Kind en Gezin step 3")
    PREFINANCING = "prefinancing", _("city pre-financing")
    CITY_ALLOWANCE = "city_allowance", _("city childcare allowance")
    TRAINEES = "trainees", _("Werk en Economie trainee funding")
    CITY_FUND = "city_fund", _("city fund for the building")
    OTHER = "other", _("other grant")


KIND_EN_GEZIN = frozenset(
    {SchemeCategory.TRAP1, SchemeCategory.TRAP2A, SchemeCategory.TRAP2B, SchemeCategory.TRAP3}
)


class PlaceKind(models.TextChoices):
    REGULAR = rules.REGULAR, _("regular")
    OCCASIONAL = rules.OCCASIONAL, _("occasional")


def _pct_validators() -> list:
    return [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Scheme(models.Model):
    """A subsidy or grant of one site, with its conditions.

    Its rates (SchemeRate) and, for a per-place-day scheme, the places it pays for in each
    group (PlaceAssignment) are dated entries.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="schemes")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind.choices)
    category = models.CharField(
        _("category"), max_length=20, choices=SchemeCategory.choices, default=SchemeCategory.OTHER
    )
    prefinanced_scheme = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prefinanced_by",
        verbose_name=_("pre-finances"),
        help_text=_("For pre-financing: the Kind en Gezin scheme whose payments it advances."),
    )
    min_occupancy_pct = models.DecimalField(
        _("minimum occupancy (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_pct_validators(),
    )
    min_vulnerable_pct = models.DecimalField(
        _("minimum share of vulnerable families (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_pct_validators(),
        help_text=_("Empty for steps 2 and 3: the site's settings say it."),
    )
    min_open_days = models.PositiveSmallIntegerField(
        _("minimum opening days a year"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(366)],
    )
    min_open_hours = models.DecimalField(
        _("minimum opening hours a day"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("subsidy scheme")
        verbose_name_plural = _("subsidy schemes")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unique_scheme_name_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"

    def clean(self) -> None:
        if self.prefinanced_scheme_id and self.category != SchemeCategory.PREFINANCING:
            raise ValidationError(
                {"prefinanced_scheme": _("Only a pre-financing scheme pre-finances another.")}
            )

    @property
    def per_place_day(self) -> bool:
        return self.kind == SchemeKind.PER_PLACE_DAY


class SchemeRate(models.Model):
    """The rate of a scheme from `valid_from` on: € per place-day, per trainee-month, or a
    yearly lump sum. For trainees, `units` is the number of trainees funded."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(_("valid from"))
    rate_eur = models.DecimalField(
        _("rate (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    units = models.PositiveSmallIntegerField(
        _("trainees funded"),
        default=0,
        help_text=_("For a scheme per trainee per month."),
    )

    class Meta:
        ordering = ["scheme", "valid_from"]
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "valid_from"], name="one_rate_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.valid_from:%Y-%m-%d}: € {self.rate_eur}"


class PlaceAssignment(models.Model):
    """The places of a group paid by a per-place-day scheme from `valid_from` on.

    Per group and place type, the places of the schemes in force add up to at most the
    group's places of that type (checked by subsidies.services, on import and in the admin).
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="assignments")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="scheme_assignments")
    place_type = models.CharField(_("place type"), max_length=20, choices=PlaceKind.choices)
    valid_from = models.DateField(_("valid from"))
    places = models.PositiveSmallIntegerField(
        _("places"), validators=[MaxValueValidator(LEGAL_MAX_CAPACITY)]
    )

    class Meta:
        ordering = ["scheme", "group", "place_type", "valid_from"]
        verbose_name = _("place assignment")
        verbose_name_plural = _("place assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "group", "place_type", "valid_from"],
                name="one_assignment_per_scheme_group_type_and_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name}: {self.places} {self.place_type} in {self.group.name}"

    def clean(self) -> None:
        if self.scheme_id and self.group_id and self.scheme.site_id != self.group.site_id:
            raise ValidationError({"group": _("The group belongs to another site.")})
        if self.scheme_id and not self.scheme.per_place_day:
            raise ValidationError(
                {"scheme": _("Only a scheme paid per place-day is assigned places.")}
            )


class LedgerEntryKind(models.TextChoices):
    ADVANCE = "advance", _("advance received")
    SETTLEMENT = "settlement", _("settlement received")
    PREFINANCING = "prefinancing", _("pre-financing advanced by the city")
    REPAYMENT = "repayment", _("pre-financing paid back")
    OTHER = "other", _("other payment received")


class LedgerEntryQuerySet(models.QuerySet):
    def in_force(self) -> "LedgerEntryQuerySet":
        """The entries no later entry corrects: what the ledger says now."""
        return self.filter(corrected_by__isnull=True)

    def update(self, **kwargs):
        raise ValidationError(_("Ledger entries are never changed; add a correction."))

    def delete(self):
        raise ValidationError(_("Ledger entries are never deleted; add a correction."))


class LedgerEntry(models.Model):
    """A payment received (or paid back) for a scheme and quarter. Never changed, never
    deleted: a correction is a new entry with `corrects` set, and replaces that entry."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=LedgerEntryKind.choices)
    period_start = models.DateField(
        _("quarter"), help_text=_("The first day of the quarter the payment is for.")
    )
    date = models.DateField(_("date of payment"))
    amount_eur = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["period_start", "date", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__day=1) & Q(period_start__month__in=[1, 4, 7, 10]),
                name="ledger_period_is_a_quarter",
            ),
        ]

    def __str__(self) -> str:
        quarter = f"{self.period_start:%Y-%m}"
        return f"{self.scheme.name} {quarter} {self.get_kind_display()} € {self.amount_eur}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("Ledger entries are never changed; add a correction."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Ledger entries are never deleted; add a correction."))

    def clean(self) -> None:
        if self.period_start and rules.quarter_of(self.period_start)[0] != self.period_start:
            raise ValidationError(
                {"period_start": _("Give the first day of a quarter (1 January, 1 April, …).")}
            )
        if self.corrects_id and self.scheme_id and self.corrects.scheme_id != self.scheme_id:
            raise ValidationError({"corrects": _("A correction stays with the same scheme.")})

    @property
    def signed_amount(self) -> Decimal:
        """Received counts in, paid back counts out."""
        return -self.amount_eur if self.kind == LedgerEntryKind.REPAYMENT else self.amount_eur


class DaySnapshot(models.Model):
    """The nightly figures of one group and open day, for fast board pages.

    Computed from the bookings by subsidies.selectors, the same code as the `report`
    command; stored once per group and day and overwritten when computed again.
    Day fractions are in place-days, amounts in euros unrounded (to the tenth of a cent).
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="day_snapshots")
    date = models.DateField(_("date"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"))
    present = models.PositiveSmallIntegerField(_("present"))
    planned_prestaties = models.DecimalField(max_digits=7, decimal_places=2)
    prestaties = models.DecimalField(max_digits=7, decimal_places=2)
    regular_places = models.PositiveSmallIntegerField(default=0)
    regular_prestaties = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    occasional_places = models.PositiveSmallIntegerField(default=0)
    occasional_prestaties = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    # Planned against realised: the planned fractions of the no-shows, of the excused
    # bookings that do not count, and of the bookings nobody recorded an outcome for.
    gap_no_show = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    gap_excused = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    gap_unrecorded = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    no_show_days = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    excused_days = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    vacancy_days = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    expected_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    lost_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    no_show_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    excused_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    vacancy_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    # Bookings still planned, or present without a departure, when the figures were
    # computed: a day with any is not settled, and figures over it are provisional.
    unsettled_bookings = models.PositiveSmallIntegerField(default=0)

    # No default order: the board's pages add the rows up, and ordering by the group would
    # join the group and the site to sort by their names in every read.
    class Meta:
        verbose_name = _("day snapshot")
        verbose_name_plural = _("day snapshots")
        constraints = [
            models.UniqueConstraint(fields=["group", "date"], name="one_snapshot_per_group_and_day")
        ]
        indexes = [models.Index(fields=["date", "group"])]

    def __str__(self) -> str:
        return f"{self.group.name} {self.date:%Y-%m-%d}"


# The figures of a day snapshot (every field but its group and date): what computing a day
# again overwrites, and what the board's pages add up.
DAY_SNAPSHOT_FIGURES = tuple(
    field.name
    for field in DaySnapshot._meta.concrete_fields
    if field.name not in ("id", "group", "date")
)


class SchemeDaySnapshot(models.Model):
    """What one per-place-day scheme got and lost in one group on one day."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="day_snapshots")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="scheme_day_snapshots")
    date = models.DateField(_("date"))
    places = models.PositiveSmallIntegerField()
    rate_eur = models.DecimalField(max_digits=12, decimal_places=2)
    prestaties = models.DecimalField(max_digits=7, decimal_places=2)
    expected_eur = models.DecimalField(max_digits=14, decimal_places=4)
    lost_eur = models.DecimalField(max_digits=14, decimal_places=4)
    no_show_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    excused_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    vacancy_eur = models.DecimalField(max_digits=14, decimal_places=4, default=0)

    class Meta:  # No default order either: see DaySnapshot.
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "group", "date"], name="one_scheme_snapshot_per_group_and_day"
            )
        ]
        indexes = [models.Index(fields=["date", "scheme"])]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.group.name} {self.date:%Y-%m-%d}"


# The figures of a scheme's day snapshot, likewise.
SCHEME_DAY_SNAPSHOT_FIGURES = tuple(
    field.name
    for field in SchemeDaySnapshot._meta.concrete_fields
    if field.name not in ("id", "scheme", "group", "date")
)


class SiteMonthSnapshot(models.Model):
    """The distinct children present at a site, and its absences, counted by the nightly
    work per month.

    A child present on several days counts once, so these counts cannot be added up from
    the day snapshots; counting them from the bookings on every board page scans a year of
    bookings three times. Counted from the first of the month, of the year, and of the
    last rules.PACE_DAYS (never before the year) through `through`: the month's last day, or
    the last day computed while the month is running.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="month_snapshots")
    month = models.DateField(_("month"))
    through = models.DateField(_("through"))
    children = models.PositiveIntegerField(default=0)
    vulnerable = models.PositiveIntegerField(default=0)
    children_year = models.PositiveIntegerField(default=0)
    vulnerable_year = models.PositiveIntegerField(default=0)
    children_pace = models.PositiveIntegerField(default=0)
    vulnerable_pace = models.PositiveIntegerField(default=0)
    # The absences of the month's days through `through` (subsidies.rules.AbsenceFigures):
    # announced before the day, of those by a parent through the link, announced on the
    # day or later, no-shows; and the places parents' reports freed that were booked again.
    absences_in_time = models.PositiveIntegerField(default=0)
    absences_in_time_by_parent = models.PositiveIntegerField(default=0)
    absences_late = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    places_refilled = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("month snapshot")
        verbose_name_plural = _("month snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "month"], name="one_snapshot_per_site_and_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="month_snapshot_on_the_first"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.month:%Y-%m}"


SITE_MONTH_FIGURES = tuple(
    field.name
    for field in SiteMonthSnapshot._meta.concrete_fields
    if field.name not in ("id", "site", "month")
)
