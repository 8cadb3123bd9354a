"""The planning rules of DESIGN.md: day fractions, show probability, overflow risk, reserve.

Plain functions without the database, so the rules are tested on their own; selectors and
services fetch the numbers and call these.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

PLANNED = "planned"
PRESENT = "present"
EXCUSED = "excused"
NO_SHOW = "no_show"
CANCELLED = "cancelled"
OUTCOMES = (PLANNED, PRESENT, EXCUSED, NO_SHOW, CANCELLED)

REGULAR = "regular"
OCCASIONAL = "occasional"
URGENT = "urgent"
PLACE_TYPES = (REGULAR, OCCASIONAL, URGENT)

HALF_DAY = Decimal("0.5")
FULL_DAY = Decimal("1.0")
SLOT_MINUTES = 15

_MICROSECONDS_PER_HOUR = 3_600_000_000


def _since_midnight(moment: dt.time) -> dt.timedelta:
    return dt.timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _micros(moment: dt.time) -> int:
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


# Day fractions and prestaties


def day_fraction(duration: dt.timedelta, *, half_day_under_hours: Decimal = Decimal(5)) -> Decimal:
    """0.5 under the threshold, 1.0 from it on; nothing for an empty or reversed stay."""
    if duration <= dt.timedelta(0):
        return Decimal(0)
    # Compared in whole microseconds so a threshold like 4.75 h is exact, not a float.
    microseconds = duration // dt.timedelta(microseconds=1)
    if microseconds < half_day_under_hours * _MICROSECONDS_PER_HOUR:
        return HALF_DAY
    return FULL_DAY


def booking_counts(*, outcome: str, place_type: str, absence_counts: bool | None) -> bool:
    """Whether the booking is a prestatie.

    Only a regular place keeps counting through an announced absence, and only when the
    absence code says so; occasional and urgent places count only when the child came.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}.")
    if place_type not in PLACE_TYPES:
        raise ValueError(f"Unknown place type {place_type!r}.")
    if outcome == PRESENT:
        return True
    if outcome == EXCUSED:
        return place_type == REGULAR and absence_counts is True
    return False


def prestatie(
    *,
    outcome: str,
    place_type: str,
    absence_counts: bool | None,
    planned_start: dt.time,
    planned_end: dt.time,
    arrived: dt.time | None,
    left: dt.time | None,
    half_day_under_hours: Decimal = Decimal(5),
) -> Decimal:
    """The day fraction the booking adds to the prestaties of its day.

    A present child counts by the time actually spent; a missing check-in or check-out
    falls back to the planned time so a forgotten click doesn't lose the day. A counted
    absence counts by its planned times.
    """
    if not booking_counts(outcome=outcome, place_type=place_type, absence_counts=absence_counts):
        return Decimal(0)
    if outcome == PRESENT:
        start = arrived if arrived is not None else planned_start
        end = left if left is not None else planned_end
    else:
        start, end = planned_start, planned_end
    duration = _since_midnight(end) - _since_midnight(start)
    return day_fraction(duration, half_day_under_hours=half_day_under_hours)


# Show probability


def site_show_rate(*, present: int, total: int, default: float = 0.9) -> float:
    """The share present among the site's settled bookings; `default` without history."""
    if total == 0:
        return default
    return present / total


def show_probability(
    *, child_present: int, child_total: int, site_rate: float, prior_strength: float = 4
) -> float:
    """(k + s·r) ÷ (n + s): the child's show rate shrunk toward the site's.

    A Beta prior of strength s keeps a child with one or two bookings from getting p = 0
    or 1 after a single day; as history grows the child's own share takes over.
    """
    denominator = child_total + prior_strength
    if denominator == 0:  # no history and no prior: only the site says anything
        return site_rate
    return (child_present + prior_strength * site_rate) / denominator


# Slots and overflow risk


def slots(opens: dt.time, closes: dt.time, minutes: int = SLOT_MINUTES) -> list[dt.time]:
    """The starts of the slots from opening up to, not including, closing."""
    if minutes <= 0:
        raise ValueError("A slot lasts at least one minute.")
    step = dt.timedelta(minutes=minutes)
    start, end = _since_midnight(opens), _since_midnight(closes)
    starts = []
    while start < end:
        starts.append((dt.datetime.min + start).time())
        start += step
    return starts


def fills_slot(
    start: dt.time, end: dt.time, slot_start: dt.time, minutes: int = SLOT_MINUTES
) -> bool:
    """Whether a stay from start to end overlaps the slot (touching its edge is no overlap)."""
    slot_begin = _since_midnight(slot_start)
    slot_end = slot_begin + dt.timedelta(minutes=minutes)
    return _since_midnight(start) < slot_end and _since_midnight(end) > slot_begin


def overflow_probability(probabilities: Sequence[float], capacity: int) -> float:
    """Exactly P(X > capacity), X the number of children who come, each independently.

    X is Poisson-binomial; its distribution is built one booking at a time, which is exact
    and cheap for a group's few dozen bookings, where sampling would be neither. The
    probabilities are taken in sorted order, so every page that lists the same bookings in
    another order gets the same risk to the last bit.
    """
    probabilities = sorted(probabilities)
    for p in probabilities:
        if not 0 <= p <= 1:
            raise ValueError(f"A probability lies between 0 and 1, not {p}.")
    count = len(probabilities)
    if capacity < 0:
        return 1.0
    if capacity >= count:
        return 0.0
    # dist[j] = P(j children among the bookings seen so far)
    dist = [1.0] + [0.0] * count
    for seen, p in enumerate(probabilities, start=1):
        for j in range(seen, 0, -1):
            dist[j] = dist[j] * (1 - p) + dist[j - 1] * p
        dist[0] *= 1 - p
    # Summing the tail itself (rather than 1 − P(X ≤ c)) keeps a tiny risk accurate.
    return min(1.0, max(0.0, math.fsum(dist[capacity + 1 :])))


@dataclass(frozen=True)
class PlannedBooking:
    """A booking as the overflow risk sees it: its stay and its show probability."""

    start: dt.time
    end: dt.time
    p: float

    def __post_init__(self) -> None:
        if not 0 <= self.p <= 1:
            raise ValueError(f"A show probability lies between 0 and 1, not {self.p}.")


def slot_runs(
    stays: Sequence[tuple[dt.time, dt.time]],
    *,
    opens: dt.time,
    closes: dt.time,
    minutes: int = SLOT_MINUTES,
) -> list[tuple[int, ...]]:
    """The day's slots in runs of the same children: for each run, in the order of the day,
    the indexes of the stays that fill its slots (as fills_slot has it).

    The children change only at a slot where a stay begins to fill slots or stops: each
    stay gives those two slots, found by division, and the day is cut there, so the work
    grows with the stays, not with stays times slots.
    """
    if minutes <= 0:
        raise ValueError("A slot lasts at least one minute.")
    first, last = _micros(opens), _micros(closes)
    length = minutes * 60_000_000
    count = -((first - last) // length) if last > first else 0  # the slots of `slots`
    if count == 0:
        return []
    # At each cut, the stays that come in and those that go (indexes into `stays`).
    cuts: dict[int, list[int]] = {0: []}
    for index, (start, end) in enumerate(stays):
        # Slot k (from first + k·length) is filled when start < its end and end > its start.
        begin = max((_micros(start) - first) // length, 0)
        stop = min(-((first - _micros(end)) // length), count)
        if begin < stop:
            cuts.setdefault(begin, []).append(index)
            cuts.setdefault(stop, []).append(~index)
    runs = []
    present: set[int] = set()
    for cut in sorted(cuts):
        if cut >= count:
            break
        for change in cuts[cut]:
            if change >= 0:
                present.add(change)
            else:
                present.discard(~change)
        runs.append(tuple(sorted(present)))
    return runs


def overflow_risk(
    bookings: Sequence[PlannedBooking],
    *,
    capacity: int,
    opens: dt.time,
    closes: dt.time,
    minutes: int = SLOT_MINUTES,
) -> float:
    """The largest P(X > capacity) over the day's slots.

    Per slot, because a morning and an afternoon child can share one place: what matters is
    how many are there at the same time. Pass only bookings still expected (not cancelled or
    excused), with p = 1 once checked in and p = 0 for a no-show. Computed once per run of
    slots with the same children (slot_runs), which gives what every slot would.
    """
    runs = slot_runs(
        [(booking.start, booking.end) for booking in bookings],
        opens=opens,
        closes=closes,
        minutes=minutes,
    )
    return max(
        (overflow_probability([bookings[i].p for i in run], capacity) for run in runs),
        default=0.0,
    )


def expected_children(bookings: Iterable[PlannedBooking]) -> float:
    """Σ p: how many children the day plan expects."""
    return math.fsum(booking.p for booking in bookings)


# Urgent reserve and accepting a booking


def release_moment(
    day: dt.date, release_days: int, release_time: dt.time, tz: ZoneInfo
) -> dt.datetime:
    """When the day's urgent reserve opens to ordinary bookings, in the site's local time."""
    return dt.datetime.combine(day - dt.timedelta(days=release_days), release_time, tzinfo=tz)


def reserve_left(
    *,
    reserve: int,
    urgent_bookings: int,
    day: dt.date,
    now: dt.datetime,
    release_days: int,
    release_time: dt.time,
    tz: ZoneInfo,
) -> int:
    """Places still held back for urgent requests: none once the reserve is released."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime.")
    if now >= release_moment(day, release_days, release_time, tz):
        return 0
    return max(reserve - urgent_bookings, 0)


# Tolerance for the ≤ in accepts_booking: 100 × 0.07 is 7.000000000000001 in floats, and a
# risk exactly at the site's maximum must be accepted.
_RISK_PCT_TOLERANCE = 1e-9


def accepts_booking(
    *,
    existing: Sequence[PlannedBooking],
    new: PlannedBooking,
    capacity: int,
    reserve_left: int,
    urgent: bool,
    max_risk_pct: Decimal | float,
    opens: dt.time,
    closes: dt.time,
    minutes: int = SLOT_MINUTES,
) -> tuple[bool, float]:
    """(accepted, risk %) of the day with the new booking added.

    An ordinary booking may not eat into the reserve still held for urgent requests; an
    urgent booking is what the reserve is for, so it is checked against the full capacity.
    """
    usable = capacity if urgent else capacity - reserve_left
    risk = overflow_risk(
        [*existing, new], capacity=usable, opens=opens, closes=closes, minutes=minutes
    )
    risk_pct = 100 * risk
    return risk_pct <= float(max_risk_pct) + _RISK_PCT_TOLERANCE, risk_pct


# Staff and occupancy


def staff_needed(children: int, ratio: int) -> int:
    """ceil(children ÷ ratio): the counted staff members a slot needs."""
    if ratio < 1:
        raise ValueError("The ratio is at least one child per staff member.")
    if children < 0:
        raise ValueError("The number of children is not negative.")
    return -(-children // ratio)


def occupancy_pct(prestaties: Decimal, capacity: int) -> Decimal:
    """100 × prestaties ÷ capacity; 0 for a group without capacity."""
    if capacity == 0:
        return Decimal(0)
    return 100 * prestaties / capacity


def period_occupancy_pct(days: Iterable[tuple[Decimal, int]]) -> Decimal:
    """100 × Σ prestaties ÷ Σ capacity over (prestaties, capacity) of the open days.

    Summed before dividing, so a day of a big group weighs more than a day of a small one.
    """
    total_prestaties = Decimal(0)
    total_capacity = 0
    for prestaties, capacity in days:
        total_prestaties += prestaties
        total_capacity += capacity
    return occupancy_pct(total_prestaties, total_capacity)


# Free places and the look-ahead


def free_places(*, capacity: int, booked: int) -> int:
    """capacity − booked, booked being the bookings neither cancelled nor excused.

    Below zero when the group is overbooked: the one definition the day plan, the week,
    the look-ahead and the subsidies page share.
    """
    return capacity - booked


def bookable_places(
    *,
    existing: Sequence[PlannedBooking],
    capacity: int,
    reserve_left: int,
    p: float,
    max_risk_pct: Decimal | float,
    opens: dt.time,
    closes: dt.time,
    limit: int = 18,
) -> int:
    """How many more ordinary full-day bookings of show probability p the acceptance rule
    takes, one after the other: what may still be booked without a reason.

    The risk never falls when a booking is added, so the count is found by bisection.
    Capped at `limit` (the legal maximum of a group) because at p near 0 the rule would
    take an endless number.
    """

    def accepts(extra: int) -> bool:
        if extra == 0:
            return True
        added = [PlannedBooking(start=opens, end=closes, p=p)] * (extra - 1)
        accepted, _risk = accepts_booking(
            existing=[*existing, *added],
            new=PlannedBooking(start=opens, end=closes, p=p),
            capacity=capacity,
            reserve_left=reserve_left,
            urgent=False,
            max_risk_pct=max_risk_pct,
            opens=opens,
            closes=closes,
        )
        return accepted

    low, high = 0, limit  # accepts(low) holds; find the largest such count
    if accepts(high):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if accepts(middle):
            low = middle
        else:
            high = middle
    return low


def short_staff_slots(
    *,
    children: dict[int, list[int]],
    staff: dict[int, list[int]],
    floating: list[int],
    ratio: int,
) -> dict[int, int]:
    """Per group, the number of slots where its counted staff fall short of
    ceil(children ÷ ratio).

    `children[g][i]` and `staff[g][i]` are the children booked and the counted staff on
    shift in group g in slot i; `floating[i]` the counted staff on shift for the whole
    site in slot i, who help the groups short of staff in the order given.
    """
    short = dict.fromkeys(children, 0)
    for slot, spare in enumerate(floating):
        for group, per_slot in children.items():
            missing = staff_needed(per_slot[slot], ratio) - staff[group][slot]
            if missing <= 0:
                continue
            helped = min(spare, missing)
            spare -= helped
            if missing > helped:
                short[group] += 1
    return short


# Settling a day and correcting attendance

# A tap on the tablet can be undone this long after it: long enough to see the mistake,
# short enough that an undo never silently rewrites a day someone already relies on.
UNDO_WINDOW = dt.timedelta(minutes=5)
CHECKED_IN = "checked_in"
CHECKED_OUT = "checked_out"
UNDOABLE_ACTIONS = (CHECKED_IN, CHECKED_OUT)


def can_undo(*, action: str, at: dt.datetime, now: dt.datetime) -> bool:
    """A check-in or check-out may be undone from the tablet within UNDO_WINDOW."""
    return action in UNDOABLE_ACTIONS and dt.timedelta(0) <= now - at <= UNDO_WINDOW


def is_unsettled(*, outcome: str, left: dt.time | None) -> bool:
    """A booking keeps its day unsettled while it is still planned, or present without a
    departure time (DESIGN.md, "Settling a day")."""
    return outcome == PLANNED or (outcome == PRESENT and left is None)


def day_to_settle(*, day: dt.date, now: dt.datetime, closes: dt.time) -> bool:
    """A past day, or today once the site has closed, is one to settle."""
    return day < now.date() or (day == now.date() and now.time() >= closes)
