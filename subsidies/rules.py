"""The subsidy rules of DESIGN.md that need no database: which scheme a day's prestaties
fill, the shortfall and its split into no-show, excused and vacancy, the conditions and
their projection, and the amounts a scheme is expected to bring.

Plain, typed functions over plain values (Decimal, never float, so a euro is a euro):
the selectors fetch what is stored and call these.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from planning import rules as planning_rules

REGULAR = planning_rules.REGULAR
OCCASIONAL = planning_rules.OCCASIONAL
URGENT = planning_rules.URGENT
# The place types a scheme can cover: urgent bookings fill the occasional places, the
# urgent reserve being part of them.
SCHEME_PLACE_TYPES = (REGULAR, OCCASIONAL)

NO_SHOW = "no_show"
EXCUSED = "excused"
VACANCY = "vacancy"
CAUSES = (NO_SHOW, EXCUSED, VACANCY)

MET = "met"
AT_RISK = "at_risk"
MISSED = "missed"

ZERO = Decimal(0)
TWO_DECIMALS = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Rounded to the cent, half up, as on an invoice."""
    return value.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def scheme_place_type(booking_place_type: str) -> str:
    """The place type whose schemes a booking fills: urgent bookings fill occasional places."""
    if booking_place_type not in planning_rules.PLACE_TYPES:
        raise ValueError(f"Unknown place type {booking_place_type!r}.")
    return REGULAR if booking_place_type == REGULAR else OCCASIONAL


# The day's bookings as the loss sees them


@dataclass(frozen=True)
class BookingDay:
    """One booking of a group and day: what it counts and what it was planned to count."""

    place_type: str  # regular | occasional | urgent
    outcome: str
    prestatie: Decimal  # the day fraction it adds to the prestaties (0 when it doesn't count)
    planned_fraction: Decimal  # the day fraction of its planned times

    @property
    def counts(self) -> bool:
        return self.prestatie > 0


def booking_day(
    *,
    place_type: str,
    outcome: str,
    absence_counts: bool | None,
    planned_start: dt.time,
    planned_end: dt.time,
    arrived: dt.time | None,
    left: dt.time | None,
    half_day_under_hours: Decimal = Decimal(5),
) -> BookingDay:
    """A booking's prestatie and planned fraction by the planning rules."""
    planned = _duration(planned_start, planned_end)
    return BookingDay(
        place_type=place_type,
        outcome=outcome,
        prestatie=planning_rules.prestatie(
            outcome=outcome,
            place_type=place_type,
            absence_counts=absence_counts,
            planned_start=planned_start,
            planned_end=planned_end,
            arrived=arrived,
            left=left,
            half_day_under_hours=half_day_under_hours,
        ),
        planned_fraction=planning_rules.day_fraction(
            planned, half_day_under_hours=half_day_under_hours
        ),
    )


def _duration(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


@dataclass(frozen=True)
class PlaceTypeDay:
    """The sums of one place type's bookings that the loss needs."""

    prestaties: Decimal = ZERO
    no_show: Decimal = ZERO  # Σ planned fractions of its no-show bookings
    excused: Decimal = ZERO  # Σ planned fractions of its excused bookings that do not count


def place_type_days(bookings: Iterable[BookingDay]) -> dict[str, PlaceTypeDay]:
    """Per scheme place type (regular, occasional with urgent): prestaties, no-shows, excused."""
    return place_type_days_counted((booking, 1) for booking in bookings)


def place_type_days_counted(bookings: Iterable[tuple[BookingDay, int]]) -> dict[str, PlaceTypeDay]:
    """place_type_days over (booking, how many alike): a group's day holds a few kinds of
    booking many times over, and a product is exact in Decimal as a sum is."""
    sums = {kind: [ZERO, ZERO, ZERO] for kind in SCHEME_PLACE_TYPES}
    for booking, count in bookings:
        entry = sums[scheme_place_type(booking.place_type)]
        entry[0] += booking.prestatie * count
        if booking.outcome == planning_rules.NO_SHOW:
            entry[1] += booking.planned_fraction * count
        elif booking.outcome == planning_rules.EXCUSED and not booking.counts:
            entry[2] += booking.planned_fraction * count
    return {
        kind: PlaceTypeDay(prestaties=p, no_show=n, excused=e) for kind, (p, n, e) in sums.items()
    }


# Schemes, their shortfall and the loss


@dataclass(frozen=True)
class SchemePlaces:
    """A per-place-day scheme's places in one group on one day, at the rate of that day."""

    scheme_id: int
    name: str
    place_type: str  # regular | occasional
    places: int
    rate_eur: Decimal

    def __post_init__(self) -> None:
        if self.place_type not in SCHEME_PLACE_TYPES:
            raise ValueError(
                f"A scheme covers regular or occasional places, not {self.place_type}."
            )
        if self.places < 0:
            raise ValueError("A scheme has no negative places.")


@dataclass
class SchemeDayLoss:
    """What one scheme got on a day, what it missed, and why."""

    scheme: SchemePlaces
    prestaties: Decimal = ZERO  # the prestaties that filled its places
    no_show_days: Decimal = ZERO
    excused_days: Decimal = ZERO
    vacancy_days: Decimal = ZERO

    @property
    def shortfall(self) -> Decimal:
        return self.scheme.places - self.prestaties

    @property
    def expected_eur(self) -> Decimal:
        return self.prestaties * self.scheme.rate_eur

    @property
    def lost_eur(self) -> Decimal:
        return self.shortfall * self.scheme.rate_eur

    @property
    def no_show_eur(self) -> Decimal:
        return self.no_show_days * self.scheme.rate_eur

    @property
    def excused_eur(self) -> Decimal:
        return self.excused_days * self.scheme.rate_eur

    @property
    def vacancy_eur(self) -> Decimal:
        return self.vacancy_days * self.scheme.rate_eur


@dataclass
class PlaceTypeLoss:
    place_type: str
    places: int = 0
    prestaties: Decimal = ZERO  # all prestaties of the place type, beyond the places too
    shortfall: Decimal = ZERO
    no_show_days: Decimal = ZERO
    excused_days: Decimal = ZERO
    vacancy_days: Decimal = ZERO
    schemes: list[SchemeDayLoss] = field(default_factory=list)

    @property
    def lost_eur(self) -> Decimal:
        return sum((s.lost_eur for s in self.schemes), ZERO)


@dataclass
class DayLoss:
    """The subsidy loss of one group and day, per place type and scheme."""

    place_types: dict[str, PlaceTypeLoss]

    @property
    def schemes(self) -> list[SchemeDayLoss]:
        return [s for kind in SCHEME_PLACE_TYPES for s in self.place_types[kind].schemes]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(self.place_types[kind], name) for kind in SCHEME_PLACE_TYPES), ZERO)

    @property
    def no_show_days(self) -> Decimal:
        return self._sum("no_show_days")

    @property
    def excused_days(self) -> Decimal:
        return self._sum("excused_days")

    @property
    def vacancy_days(self) -> Decimal:
        return self._sum("vacancy_days")

    @property
    def shortfall(self) -> Decimal:
        return self._sum("shortfall")

    @property
    def lost_eur(self) -> Decimal:
        return self._sum("lost_eur")

    @property
    def expected_eur(self) -> Decimal:
        return sum((s.expected_eur for s in self.schemes), ZERO)

    def lost_by_cause(self) -> dict[str, Decimal]:
        return {
            NO_SHOW: sum((s.no_show_eur for s in self.schemes), ZERO),
            EXCUSED: sum((s.excused_eur for s in self.schemes), ZERO),
            VACANCY: sum((s.vacancy_eur for s in self.schemes), ZERO),
        }


def fill_order(schemes: Iterable[SchemePlaces]) -> list[SchemePlaces]:
    """Highest rate first; equal rates by name, then id, so the order never depends on luck."""
    return sorted(schemes, key=lambda s: (-s.rate_eur, s.name, s.scheme_id))


def split_shortfall(
    shortfall: Decimal, *, no_show: Decimal, excused: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(no-show, excused, vacancy) of a shortfall, in that order (DESIGN.md, "Subsidies").

    No-show = min(shortfall, Σ planned fractions of the no-shows); excused = min(what is
    left, Σ planned fractions of the excused bookings that do not count); vacancy = the rest.
    """
    if shortfall < 0 or no_show < 0 or excused < 0:
        raise ValueError("Shortfall, no-shows and absences are not negative.")
    no_show_days = min(shortfall, no_show)
    excused_days = min(shortfall - no_show_days, excused)
    return no_show_days, excused_days, shortfall - no_show_days - excused_days


def place_type_loss(
    place_type: str, schemes: Sequence[SchemePlaces], day: PlaceTypeDay
) -> PlaceTypeLoss:
    """Fill the place type's schemes from the highest rate down, each up to its places, then
    split the shortfall by cause.

    The causes take the shortfall places in fill order too: a no-show child would have
    filled the best-paid place still empty, so a no-show costs the highest rates first,
    an empty place the lowest.
    """
    own = fill_order(s for s in schemes if s.place_type == place_type)
    result = PlaceTypeLoss(
        place_type=place_type, places=sum(s.places for s in own), prestaties=day.prestaties
    )
    left = day.prestaties
    for scheme in own:
        got = min(Decimal(scheme.places), left)
        left -= got
        result.schemes.append(SchemeDayLoss(scheme=scheme, prestaties=got))
    result.shortfall = sum((s.shortfall for s in result.schemes), ZERO)
    result.no_show_days, result.excused_days, result.vacancy_days = split_shortfall(
        result.shortfall, no_show=day.no_show, excused=day.excused
    )
    pools = [result.no_show_days, result.excused_days, result.vacancy_days]
    for loss in result.schemes:
        open_places = loss.shortfall
        taken = []
        for index, pool in enumerate(pools):
            take = min(open_places, pool)
            pools[index] -= take
            open_places -= take
            taken.append(take)
        loss.no_show_days, loss.excused_days, loss.vacancy_days = taken
    return result


def day_loss(*, schemes: Sequence[SchemePlaces], bookings: Iterable[BookingDay]) -> DayLoss:
    """The subsidy loss of a group and day from its bookings and its schemes' places."""
    days = place_type_days(bookings)
    return day_loss_from_sums(schemes=schemes, days=days)


def day_loss_from_sums(
    *, schemes: Sequence[SchemePlaces], days: dict[str, PlaceTypeDay]
) -> DayLoss:
    return DayLoss(
        place_types={
            kind: place_type_loss(kind, schemes, days.get(kind, PlaceTypeDay()))
            for kind in SCHEME_PLACE_TYPES
        }
    )


def overcommitted(assignments: Iterable[tuple[dt.date, str, int]], places: int) -> list[dt.date]:
    """The dates on which a group's schemes of one place type promise more than its places.

    `assignments` are (valid_from, scheme key, places): each scheme's entry is in force from
    its date until its next one. Returns the dates from which the sum exceeds `places`.
    """
    by_scheme: dict[str, list[tuple[dt.date, int]]] = {}
    for valid_from, key, count in assignments:
        by_scheme.setdefault(key, []).append((valid_from, count))
    dates = sorted({valid_from for entries in by_scheme.values() for valid_from, _ in entries})
    too_many = []
    for day in dates:
        total = 0
        for entries in by_scheme.values():
            in_force = [count for valid_from, count in sorted(entries) if valid_from <= day]
            total += in_force[-1] if in_force else 0
        if total > places:
            too_many.append(day)
    return too_many


def in_force(entries: Sequence, day: dt.date, *, date_attr: str = "valid_from"):
    """The entry in force on `day`: the latest one from on or before it; None before the first."""
    found = None
    for entry in entries:
        valid_from = getattr(entry, date_attr)
        if valid_from <= day and (found is None or valid_from >= getattr(found, date_attr)):
            found = entry
    return found


# Conditions and their projection


def pct(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """100 × numerator ÷ denominator; 0 when there is nothing to divide by."""
    if not denominator:
        return ZERO
    return Decimal(100) * Decimal(numerator) / Decimal(denominator)


def projected_share_pct(
    *,
    done: Decimal,
    done_of: Decimal,
    pace: Decimal,
    pace_of: Decimal,
    remaining_of: Decimal,
) -> Decimal:
    """A share at the end of the period if the rest goes at the recent pace.

    `done`/`done_of`: the period so far (e.g. prestaties over capacity-days); `pace`/`pace_of`
    the recent weeks; `remaining_of` what is left of the period's denominator.
    """
    rate = Decimal(pace) / Decimal(pace_of) if pace_of else (done / done_of if done_of else ZERO)
    return pct(done + rate * remaining_of, done_of + remaining_of)


def condition_status(
    *, projected: Decimal, minimum: Decimal, attainable: bool, current: Decimal | None = None
) -> str:
    """met / at risk / missed for a condition "at least `minimum`".

    Missed when it can no longer be met, whatever happens in the rest of the period; at risk
    when the projection (or the figure so far) falls short; met otherwise.
    """
    if not attainable:
        return MISSED
    if projected < minimum or (current is not None and current < minimum):
        return AT_RISK
    return MET


def best_share_pct(*, done: Decimal, done_of: Decimal, remaining_of: Decimal) -> Decimal:
    """The share at the end of the period if everything left went perfectly (100 %)."""
    return pct(done + remaining_of, done_of + remaining_of)


# Expected amounts of the schemes that are not paid per place-day


def months_in(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months from start's month to end's month."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def monthly_amount(*, kind: str, rate_eur: Decimal, places: int) -> Decimal:
    """What a per-trainee or lump-sum scheme is expected to bring in one month.

    Per trainee per month: the rate for each funded trainee; a lump sum is a yearly amount
    spread evenly over the months.
    """
    if kind == "per_trainee_month":
        return rate_eur * places
    if kind == "lump_sum":
        return rate_eur / 12
    raise ValueError(f"{kind} is paid per place-day, not per month.")


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter of `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


# The "current pace" of a yearly condition: the last three months.
PACE_DAYS = 91


def counting_starts(through: dt.date) -> dict[str, dt.date]:
    """Where the counts of a site's month snapshot start, for a month counted through
    `through`: the first of the month, of the year, and of the pace (never before the
    year)."""
    year = dt.date(through.year, 1, 1)
    return {
        "month": through.replace(day=1),
        "year": year,
        "pace": max(year, through - dt.timedelta(days=PACE_DAYS - 1)),
    }


# Absences and the parents' channel (the board's figures of the parents' link)


def reported_in_time(*, day: dt.date, reported_at: dt.datetime | None) -> bool:
    """An absence is reported in time when it was announced before the day (local time):
    the place can still be offered to someone else. An absence whose moment is not
    recorded (an imported plan) is not known to be in time, so it is not."""
    if reported_at is None:
        return False
    return timezone.localtime(reported_at).date() < day


def places_refilled(*, freed_at: Iterable[dt.datetime], booked_at: Iterable[dt.datetime]) -> int:
    """How many of the places that parents' reports freed in one group on one day were
    booked again: in time order, each booking made after a report takes the place of one
    report not yet refilled. A booking made before any report filled a place that was free
    anyway, and one report frees one place, however many are booked after it."""
    events = sorted([(moment, 0) for moment in freed_at] + [(moment, 1) for moment in booked_at])
    waiting = refilled = 0
    for _moment, is_booking in events:
        if not is_booking:
            waiting += 1
        elif waiting:
            waiting -= 1
            refilled += 1
    return refilled


@dataclass(frozen=True)
class AbsenceFigures:
    """The absences of a month: announced before the day (and of those by a parent through
    the family's link), announced on the day or later, and no-shows; and the places that
    parents' reports freed and someone else took."""

    in_time: int = 0
    in_time_by_parent: int = 0
    late: int = 0
    no_shows: int = 0
    refilled: int = 0

    @property
    def absences(self) -> int:
        return self.in_time + self.late + self.no_shows

    @property
    def in_time_pct(self) -> Decimal | None:
        """The share of all absences announced before the day; None without absences."""
        return pct(self.in_time, self.absences) if self.absences else None

    @property
    def no_show_pct(self) -> Decimal | None:
        """The share of all absences nobody announced; None without absences."""
        return pct(self.no_shows, self.absences) if self.absences else None

    def __add__(self, other: "AbsenceFigures") -> "AbsenceFigures":
        return AbsenceFigures(
            in_time=self.in_time + other.in_time,
            in_time_by_parent=self.in_time_by_parent + other.in_time_by_parent,
            late=self.late + other.late,
            no_shows=self.no_shows + other.no_shows,
            refilled=self.refilled + other.refilled,
        )
