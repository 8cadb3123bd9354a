"""The planning rules, without the database: worked examples and hypothesis properties."""

import datetime as dt
import itertools
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning.rules import (
    OUTCOMES,
    PLACE_TYPES,
    PlannedBooking,
    accepts_booking,
    booking_counts,
    day_fraction,
    expected_children,
    fills_slot,
    occupancy_pct,
    overflow_probability,
    overflow_risk,
    period_occupancy_pct,
    prestatie,
    release_moment,
    reserve_left,
    show_probability,
    site_show_rate,
    slots,
    staff_needed,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
OPENS = dt.time(7, 30)
CLOSES = dt.time(18, 0)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def booking(start: str, end: str, p: float = 1.0) -> PlannedBooking:
    return PlannedBooking(start=t(start), end=t(end), p=p)


# Day fractions


def test_day_fraction_is_half_just_under_the_threshold() -> None:
    assert day_fraction(dt.timedelta(hours=4, minutes=59)) == Decimal("0.5")


def test_day_fraction_is_full_at_the_threshold() -> None:
    assert day_fraction(dt.timedelta(hours=5)) == Decimal("1.0")
    assert day_fraction(dt.timedelta(hours=10, minutes=30)) == Decimal("1.0")


def test_day_fraction_is_zero_for_an_empty_or_reversed_stay() -> None:
    assert day_fraction(dt.timedelta(0)) == 0
    assert day_fraction(dt.timedelta(hours=-3)) == 0


def test_day_fraction_is_half_for_the_shortest_stay() -> None:
    assert day_fraction(dt.timedelta(microseconds=1)) == Decimal("0.5")


def test_day_fraction_takes_a_fractional_threshold_exactly() -> None:
    threshold = Decimal("4.75")
    assert day_fraction(dt.timedelta(hours=4, minutes=45), half_day_under_hours=threshold) == 1
    just_under = dt.timedelta(hours=4, minutes=44, seconds=59, microseconds=999_999)
    assert day_fraction(just_under, half_day_under_hours=threshold) == Decimal("0.5")


def test_day_fraction_returns_decimals() -> None:
    assert isinstance(day_fraction(dt.timedelta(hours=2)), Decimal)
    assert isinstance(day_fraction(dt.timedelta(hours=8)), Decimal)
    assert isinstance(day_fraction(dt.timedelta(0)), Decimal)


# Which bookings count


def _expected_count(outcome: str, place_type: str, absence_counts: bool | None) -> bool:
    if outcome == "present":
        return True
    return outcome == "excused" and place_type == "regular" and absence_counts is True


@pytest.mark.parametrize("absence_counts", [True, False, None])
@pytest.mark.parametrize("place_type", PLACE_TYPES)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_booking_counts_follows_the_table_of_the_design(
    outcome: str, place_type: str, absence_counts: bool | None
) -> None:
    assert booking_counts(
        outcome=outcome, place_type=place_type, absence_counts=absence_counts
    ) == _expected_count(outcome, place_type, absence_counts)


def test_a_counted_absence_counts_only_for_a_regular_place() -> None:
    assert booking_counts(outcome="excused", place_type="regular", absence_counts=True)
    assert not booking_counts(outcome="excused", place_type="occasional", absence_counts=True)
    assert not booking_counts(outcome="excused", place_type="urgent", absence_counts=True)


def test_a_no_show_never_counts() -> None:
    for place_type in PLACE_TYPES:
        assert not booking_counts(outcome="no_show", place_type=place_type, absence_counts=True)


def test_booking_counts_rejects_unknown_values() -> None:
    with pytest.raises(ValueError, match="outcome"):
        booking_counts(outcome="absent", place_type="regular", absence_counts=None)
    with pytest.raises(ValueError, match="place type"):
        booking_counts(outcome="present", place_type="flex", absence_counts=None)


# Prestaties


def _prestatie(**overrides) -> Decimal:
    values = {
        "outcome": "present",
        "place_type": "occasional",
        "absence_counts": None,
        "planned_start": t("08:00"),
        "planned_end": t("17:00"),
        "arrived": None,
        "left": None,
        "half_day_under_hours": Decimal(5),
    }
    return prestatie(**(values | overrides))


def test_prestatie_of_a_present_child_uses_the_actual_times() -> None:
    # Planned for a full day, came for 3 h 30.
    assert _prestatie(arrived=t("09:00"), left=t("12:30")) == Decimal("0.5")
    # Planned for a morning, stayed the day.
    assert _prestatie(planned_end=t("12:00"), arrived=t("08:00"), left=t("16:00")) == 1


def test_prestatie_falls_back_to_the_planned_end_without_a_check_out() -> None:
    assert _prestatie(arrived=t("13:00"), left=None) == Decimal("0.5")  # 13:00–17:00
    assert _prestatie(arrived=t("12:00"), left=None) == Decimal("1.0")  # 12:00–17:00


def test_prestatie_falls_back_to_the_planned_start_without_a_check_in() -> None:
    assert _prestatie(arrived=None, left=t("12:59")) == Decimal("0.5")  # 08:00–12:59
    assert _prestatie(arrived=None, left=t("13:00")) == Decimal("1.0")  # 08:00–13:00


def test_prestatie_of_a_present_child_without_any_times_uses_the_planned_day() -> None:
    assert _prestatie() == Decimal("1.0")


def test_prestatie_of_a_counted_absence_uses_the_planned_times() -> None:
    full = _prestatie(outcome="excused", place_type="regular", absence_counts=True)
    assert full == Decimal("1.0")
    morning = _prestatie(
        outcome="excused", place_type="regular", absence_counts=True, planned_end=t("12:00")
    )
    assert morning == Decimal("0.5")


def test_prestatie_of_an_absence_whose_code_does_not_count_is_zero() -> None:
    assert _prestatie(outcome="excused", place_type="regular", absence_counts=False) == 0


def test_prestatie_of_an_excused_occasional_or_urgent_booking_is_zero() -> None:
    for place_type in ("occasional", "urgent"):
        assert _prestatie(outcome="excused", place_type=place_type, absence_counts=True) == 0


def test_prestatie_of_a_no_show_planned_or_cancelled_booking_is_zero() -> None:
    for outcome in ("no_show", "planned", "cancelled"):
        assert _prestatie(outcome=outcome, place_type="regular", absence_counts=True) == 0


def test_prestatie_uses_the_sites_threshold() -> None:
    stay = {"arrived": t("08:00"), "left": t("12:00")}
    assert _prestatie(**stay, half_day_under_hours=Decimal(4)) == Decimal("1.0")
    assert _prestatie(**stay, half_day_under_hours=Decimal(6)) == Decimal("0.5")


def test_prestatie_of_a_check_out_before_the_check_in_is_zero() -> None:
    assert _prestatie(arrived=t("10:00"), left=t("09:00")) == 0


# Show probability


def test_show_probability_shrinks_the_childs_share_toward_the_site() -> None:
    p = show_probability(child_present=8, child_total=10, site_rate=0.9)
    assert p == pytest.approx((8 + 3.6) / 14)
    assert p == pytest.approx(0.828571428571)


def test_a_child_without_history_gets_the_site_rate() -> None:
    assert show_probability(child_present=0, child_total=0, site_rate=0.85) == pytest.approx(0.85)


def test_without_a_prior_and_without_history_the_site_rate_still_holds() -> None:
    p = show_probability(child_present=0, child_total=0, site_rate=0.85, prior_strength=0)
    assert p == pytest.approx(0.85)


def test_without_a_prior_the_childs_own_share_holds() -> None:
    p = show_probability(child_present=3, child_total=4, site_rate=0.9, prior_strength=0)
    assert p == pytest.approx(0.75)


def test_one_missed_day_does_not_make_a_child_a_certain_no_show() -> None:
    p = show_probability(child_present=0, child_total=1, site_rate=0.9)
    assert p == pytest.approx(3.6 / 5)


@given(
    site_rate=st.floats(0, 1),
    data=st.data(),
    prior_strength=st.integers(1, 100),
)
def test_show_probability_lies_between_the_childs_share_and_the_sites(
    site_rate: float, data: st.DataObject, prior_strength: int
) -> None:
    total = data.draw(st.integers(1, 200))
    present = data.draw(st.integers(0, total))
    p = show_probability(
        child_present=present,
        child_total=total,
        site_rate=site_rate,
        prior_strength=prior_strength,
    )
    own = present / total
    assert min(own, site_rate) - 1e-12 <= p <= max(own, site_rate) + 1e-12


def test_site_show_rate_is_the_share_present() -> None:
    assert site_show_rate(present=45, total=50) == pytest.approx(0.9)
    assert site_show_rate(present=0, total=3) == 0


def test_a_site_without_history_gets_the_default_show_rate() -> None:
    assert site_show_rate(present=0, total=0) == pytest.approx(0.9)
    assert site_show_rate(present=0, total=0, default=0.8) == pytest.approx(0.8)


# Slots


def test_slots_cover_the_opening_hours_in_quarters() -> None:
    day = slots(OPENS, CLOSES)
    assert len(day) == 42  # 10 h 30
    assert day[0] == t("07:30")
    assert day[1] == t("07:45")
    assert day[-1] == t("17:45")


def test_slots_keep_a_last_short_slot() -> None:
    assert slots(t("08:00"), t("08:20")) == [t("08:00"), t("08:15")]


def test_slots_of_another_length() -> None:
    assert slots(t("08:00"), t("10:00"), minutes=30) == [
        t("08:00"),
        t("08:30"),
        t("09:00"),
        t("09:30"),
    ]


def test_there_are_no_slots_when_closed() -> None:
    assert slots(t("08:00"), t("08:00")) == []
    assert slots(t("18:00"), t("08:00")) == []


def test_slots_run_up_to_midnight() -> None:
    assert slots(t("23:30"), t("23:59")) == [t("23:30"), t("23:45")]


def test_slots_refuse_an_empty_length() -> None:
    with pytest.raises(ValueError):
        slots(OPENS, CLOSES, minutes=0)


def test_a_stay_fills_every_slot_it_overlaps() -> None:
    start, end = t("11:50"), t("12:05")
    assert fills_slot(start, end, t("11:45"))
    assert fills_slot(start, end, t("12:00"))
    assert not fills_slot(start, end, t("11:30"))
    assert not fills_slot(start, end, t("12:15"))


def test_touching_the_edge_of_a_slot_does_not_fill_it() -> None:
    assert not fills_slot(t("08:00"), t("12:00"), t("12:00"))
    assert fills_slot(t("08:00"), t("12:00"), t("11:45"))
    assert not fills_slot(t("12:15"), t("17:00"), t("12:00"))
    assert fills_slot(t("12:15"), t("17:00"), t("12:15"))


def test_a_stay_inside_one_slot_fills_it() -> None:
    assert fills_slot(t("10:05"), t("10:10"), t("10:00"))


def test_fills_slot_with_longer_slots() -> None:
    assert fills_slot(t("10:40"), t("11:00"), t("10:30"), minutes=30)
    assert not fills_slot(t("10:40"), t("11:00"), t("10:30"), minutes=10)


# Overflow probability


def test_overflow_probability_worked_examples() -> None:
    assert overflow_probability([0.5, 0.5], 1) == pytest.approx(0.25)
    assert overflow_probability([0.9] * 3, 2) == pytest.approx(0.729)
    assert overflow_probability([1, 1, 1], 2) == 1.0
    assert overflow_probability([0] * 5, 0) == 0
    # P(X > 1) for p = 0.5, 0.2, 0.1: 1 − P(0) − P(1) = 1 − 0.36 − 0.49.
    assert overflow_probability([0.5, 0.2, 0.1], 1) == pytest.approx(0.15)


def test_overflow_probability_is_zero_when_everyone_fits() -> None:
    assert overflow_probability([1.0] * 14, 14) == 0.0
    assert overflow_probability([], 0) == 0.0


def test_overflow_probability_is_one_below_zero_capacity() -> None:
    assert overflow_probability([], -1) == 1.0
    assert overflow_probability([0.1], -1) == 1.0


def test_overflow_probability_is_the_binomial_tail_for_equal_probabilities() -> None:
    n, p, capacity = 18, 0.85, 14
    tail = sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(capacity + 1, n + 1))
    assert overflow_probability([p] * n, capacity) == pytest.approx(tail)


def test_overflow_probability_keeps_a_tiny_risk() -> None:
    # Ten children at 1 % each, capacity 9: all ten must come, 1e-20.
    assert overflow_probability([0.01] * 10, 9) == pytest.approx(1e-20, rel=1e-9)


def test_overflow_probability_refuses_a_probability_out_of_range() -> None:
    with pytest.raises(ValueError):
        overflow_probability([0.5, 1.5], 1)
    with pytest.raises(ValueError):
        overflow_probability([-0.1], 5)


def _brute_force(probabilities: list[float], capacity: int) -> float:
    total = 0.0
    for comes in itertools.product((False, True), repeat=len(probabilities)):
        if sum(comes) > capacity:
            total += math.prod(
                p if came else 1 - p for p, came in zip(probabilities, comes, strict=True)
            )
    return total


probabilities = st.lists(st.floats(0, 1), max_size=8)


@given(probabilities=probabilities, capacity=st.integers(-1, 9))
def test_overflow_probability_equals_brute_force_enumeration(
    probabilities: list[float], capacity: int
) -> None:
    expected = 1.0 if capacity < 0 else _brute_force(probabilities, capacity)
    assert overflow_probability(probabilities, capacity) == pytest.approx(expected, abs=1e-12)


@given(probabilities=st.lists(st.floats(0, 1), max_size=40), capacity=st.integers(-2, 45))
def test_overflow_probability_is_a_probability(probabilities: list[float], capacity: int) -> None:
    assert 0.0 <= overflow_probability(probabilities, capacity) <= 1.0


@given(probabilities=st.lists(st.floats(0, 1), max_size=30), data=st.data())
def test_the_overflow_probability_does_not_depend_on_the_order_of_the_bookings(
    probabilities: list[float], data: st.DataObject
) -> None:
    # Pages list the same bookings in different orders (the week reads them unordered):
    # their risks must agree exactly, not merely to rounding.
    capacity = data.draw(st.integers(0, len(probabilities) + 1))
    shuffled = data.draw(st.permutations(probabilities))
    assert overflow_probability(shuffled, capacity) == overflow_probability(probabilities, capacity)


@given(probabilities=st.lists(st.floats(0, 1), max_size=30), p=st.floats(0, 1), data=st.data())
def test_adding_a_booking_never_lowers_the_overflow_probability(
    probabilities: list[float], p: float, data: st.DataObject
) -> None:
    capacity = data.draw(st.integers(0, len(probabilities) + 1))
    before = overflow_probability(probabilities, capacity)
    after = overflow_probability([*probabilities, p], capacity)
    assert after >= before - 1e-12


@given(probabilities=st.lists(st.floats(0, 1), max_size=30), data=st.data())
def test_more_capacity_never_raises_the_overflow_probability(
    probabilities: list[float], data: st.DataObject
) -> None:
    capacity = data.draw(st.integers(0, len(probabilities)))
    smaller = overflow_probability(probabilities, capacity)
    larger = overflow_probability(probabilities, capacity + 1)
    assert larger <= smaller + 1e-12


@given(probabilities=st.lists(st.floats(0, 1), max_size=30), data=st.data())
def test_the_order_of_the_bookings_does_not_matter(
    probabilities: list[float], data: st.DataObject
) -> None:
    capacity = data.draw(st.integers(0, len(probabilities)))
    shuffled = data.draw(st.permutations(probabilities))
    assert overflow_probability(shuffled, capacity) == pytest.approx(
        overflow_probability(probabilities, capacity), abs=1e-12
    )


# Overflow risk of a day


def test_a_morning_and_an_afternoon_child_share_a_place() -> None:
    day = [booking("08:00", "12:00"), booking("13:00", "17:00")]
    assert overflow_risk(day, capacity=1, opens=OPENS, closes=CLOSES) == 0


def test_overflow_risk_is_that_of_the_fullest_slot() -> None:
    day = [booking("08:00", "12:00", 0.5), booking("11:00", "17:00", 0.5)]
    assert overflow_risk(day, capacity=1, opens=OPENS, closes=CLOSES) == pytest.approx(0.25)


def test_overflow_risk_counts_a_stay_that_only_touches_a_slot() -> None:
    # 11:50–12:05 shares the 11:45 slot with the morning child and the 12:00 slot with the
    # afternoon child, though it never sees both at once.
    day = [booking("08:00", "11:50"), booking("12:05", "17:00"), booking("11:50", "12:05")]
    assert overflow_risk(day, capacity=1, opens=OPENS, closes=CLOSES) == 1.0


def test_overflow_risk_with_checked_in_and_no_show_children() -> None:
    checked_in = [booking("08:00", "17:00", 1.0)] * 2
    no_show = [booking("08:00", "17:00", 0.0)]
    planned = [booking("09:00", "15:00", 0.8)]
    day = checked_in + no_show + planned
    assert overflow_risk(day, capacity=2, opens=OPENS, closes=CLOSES) == pytest.approx(0.8)


def test_overflow_risk_ignores_time_outside_the_opening_hours() -> None:
    day = [booking("06:00", "07:30"), booking("06:30", "07:30")]
    assert overflow_risk(day, capacity=1, opens=OPENS, closes=CLOSES) == 0


def test_overflow_risk_of_an_empty_day_is_zero() -> None:
    assert overflow_risk([], capacity=0, opens=OPENS, closes=CLOSES) == 0


def test_a_planned_booking_refuses_a_probability_out_of_range() -> None:
    with pytest.raises(ValueError):
        booking("08:00", "12:00", 1.2)


@st.composite
def planned_bookings(draw: st.DrawFn) -> PlannedBooking:
    # Whole minutes, so stays start and end inside slots as well as on their edges.
    start = draw(st.integers(7 * 60, 18 * 60 - 1))
    end = draw(st.integers(start + 1, 18 * 60 + 30))
    p = draw(st.floats(0, 1))
    return PlannedBooking(
        start=dt.time(start // 60, start % 60), end=dt.time(end // 60, end % 60), p=p
    )


day_of_bookings = st.lists(planned_bookings(), max_size=20)


@given(day=day_of_bookings, new=planned_bookings(), capacity=st.integers(0, 20))
def test_adding_a_booking_never_lowers_the_overflow_risk(
    day: list[PlannedBooking], new: PlannedBooking, capacity: int
) -> None:
    before = overflow_risk(day, capacity=capacity, opens=OPENS, closes=CLOSES)
    after = overflow_risk([*day, new], capacity=capacity, opens=OPENS, closes=CLOSES)
    assert after >= before - 1e-12


@given(day=day_of_bookings, data=st.data())
def test_there_is_no_risk_while_every_booking_has_a_place(
    day: list[PlannedBooking], data: st.DataObject
) -> None:
    capacity = data.draw(st.integers(len(day), 25))
    assert overflow_risk(day, capacity=capacity, opens=OPENS, closes=CLOSES) == 0


@given(day=day_of_bookings, capacity=st.integers(0, 20))
def test_overflow_risk_is_a_probability(day: list[PlannedBooking], capacity: int) -> None:
    assert 0.0 <= overflow_risk(day, capacity=capacity, opens=OPENS, closes=CLOSES) <= 1.0


@given(day=day_of_bookings, capacity=st.integers(0, 20))
def test_overflow_risk_never_exceeds_that_of_all_bookings_at_once(
    day: list[PlannedBooking], capacity: int
) -> None:
    everyone = overflow_probability([b.p for b in day], capacity)
    risk = overflow_risk(day, capacity=capacity, opens=OPENS, closes=CLOSES)
    assert risk <= everyone + 1e-12


@given(day=day_of_bookings, capacity=st.integers(0, 20))
def test_overflow_risk_is_the_largest_of_every_slot_computed_on_its_own(
    day: list[PlannedBooking], capacity: int
) -> None:
    # The definition, slot by slot, against the computation that skips repeated slots.
    by_slot = max(
        (
            overflow_probability([b.p for b in day if fills_slot(b.start, b.end, slot)], capacity)
            for slot in slots(OPENS, CLOSES)
        ),
        default=0.0,
    )
    assert overflow_risk(day, capacity=capacity, opens=OPENS, closes=CLOSES) == by_slot


def test_expected_children_is_the_sum_of_the_show_probabilities() -> None:
    day = [
        booking("08:00", "12:00", 0.9),
        booking("13:00", "17:00", 0.75),
        booking("08:00", "09:00"),
    ]
    assert expected_children(day) == pytest.approx(2.65)
    assert expected_children([]) == 0


# Urgent reserve


DAY = dt.date(2026, 12, 10)  # a Thursday


def _reserve_left_at(now: dt.datetime, *, reserve: int = 1, urgent_bookings: int = 0) -> int:
    return reserve_left(
        reserve=reserve,
        urgent_bookings=urgent_bookings,
        day=DAY,
        now=now,
        release_days=2,
        release_time=t("16:00"),
        tz=BRUSSELS,
    )


def test_the_reserve_is_released_at_the_lead_time_in_local_time() -> None:
    moment = release_moment(DAY, 2, t("16:00"), BRUSSELS)
    assert moment == dt.datetime(2026, 12, 8, 16, 0, tzinfo=BRUSSELS)
    assert moment.utcoffset() == dt.timedelta(hours=1)
    assert moment == dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC)


def test_the_release_moment_follows_summer_time() -> None:
    # Summer time starts on Sunday 29 March 2026.
    moment = release_moment(dt.date(2026, 3, 31), 2, t("16:00"), BRUSSELS)
    assert moment == dt.datetime(2026, 3, 29, 14, 0, tzinfo=dt.UTC)


def test_the_reserve_is_held_until_the_release_moment() -> None:
    just_before = dt.datetime(2026, 12, 8, 15, 59, tzinfo=BRUSSELS)
    assert _reserve_left_at(just_before, reserve=2, urgent_bookings=1) == 1
    assert _reserve_left_at(just_before, reserve=1) == 1


def test_the_reserve_is_gone_at_and_after_the_release_moment() -> None:
    at_release = dt.datetime(2026, 12, 8, 16, 0, tzinfo=BRUSSELS)
    assert _reserve_left_at(at_release, reserve=2) == 0
    assert _reserve_left_at(dt.datetime(2026, 12, 10, 9, 0, tzinfo=BRUSSELS), reserve=2) == 0


def test_the_reserve_compares_moments_not_wall_clocks() -> None:
    assert _reserve_left_at(dt.datetime(2026, 12, 8, 14, 59, tzinfo=dt.UTC)) == 1
    assert _reserve_left_at(dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC)) == 0


def test_urgent_bookings_use_up_the_reserve_but_never_below_zero() -> None:
    early = dt.datetime(2026, 12, 1, 9, 0, tzinfo=BRUSSELS)
    assert _reserve_left_at(early, reserve=1, urgent_bookings=1) == 0
    assert _reserve_left_at(early, reserve=1, urgent_bookings=3) == 0
    assert _reserve_left_at(early, reserve=0) == 0


def test_reserve_left_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError):
        _reserve_left_at(dt.datetime(2026, 12, 1, 9, 0))


# Accepting a booking


FULL_DAY = ("08:00", "17:00")


def _accepts(existing, new, **overrides) -> tuple[bool, float]:
    values = {
        "capacity": 14,
        "reserve_left": 1,
        "urgent": False,
        "max_risk_pct": Decimal(5),
        "opens": OPENS,
        "closes": CLOSES,
    }
    return accepts_booking(existing=existing, new=new, **(values | overrides))


def test_an_ordinary_booking_may_not_use_the_reserve() -> None:
    existing = [booking(*FULL_DAY)] * 13
    accepted, risk_pct = _accepts(existing, booking(*FULL_DAY, 0.9))
    assert not accepted
    assert risk_pct == pytest.approx(90)


def test_an_urgent_booking_may_use_the_reserve() -> None:
    existing = [booking(*FULL_DAY)] * 13
    accepted, risk_pct = _accepts(existing, booking(*FULL_DAY, 0.9), urgent=True)
    assert accepted
    assert risk_pct == 0


def test_an_ordinary_booking_is_accepted_once_the_reserve_is_released() -> None:
    existing = [booking(*FULL_DAY)] * 13
    accepted, risk_pct = _accepts(existing, booking(*FULL_DAY, 0.9), reserve_left=0)
    assert accepted
    assert risk_pct == 0


def test_an_ordinary_booking_in_the_free_afternoon_is_accepted() -> None:
    existing = [booking("08:00", "12:00")] * 13
    accepted, risk_pct = _accepts(existing, booking("12:00", "17:00", 0.9))
    assert accepted
    assert risk_pct == 0


def test_overbooking_is_accepted_while_the_risk_stays_under_the_maximum() -> None:
    # Capacity 2, three children at 30 %: P(all three) = 2.7 %.
    existing = [booking(*FULL_DAY, 0.3)] * 2
    accepted, risk_pct = _accepts(existing, booking(*FULL_DAY, 0.3), capacity=2, reserve_left=0)
    assert accepted
    assert risk_pct == pytest.approx(2.7)


def test_a_booking_exactly_at_the_maximum_risk_is_accepted() -> None:
    # 100 × 0.07 is 7.000000000000001 in floats.
    accepted, risk_pct = _accepts(
        [], booking(*FULL_DAY, 0.07), capacity=0, reserve_left=0, max_risk_pct=Decimal(7)
    )
    assert accepted
    assert risk_pct == pytest.approx(7)


def test_a_booking_just_over_the_maximum_risk_is_refused() -> None:
    accepted, risk_pct = _accepts(
        [], booking(*FULL_DAY, 0.0701), capacity=0, reserve_left=0, max_risk_pct=7.0
    )
    assert not accepted
    assert risk_pct == pytest.approx(7.01)


@given(day=day_of_bookings, new=planned_bookings(), reserve=st.integers(0, 3))
def test_an_urgent_booking_is_accepted_whenever_an_ordinary_one_is(
    day: list[PlannedBooking], new: PlannedBooking, reserve: int
) -> None:
    ordinary, ordinary_risk = _accepts(day, new, capacity=10, reserve_left=reserve)
    urgent, urgent_risk = _accepts(day, new, capacity=10, reserve_left=reserve, urgent=True)
    assert urgent_risk <= ordinary_risk + 1e-9
    assert urgent or not ordinary


# Staff and occupancy


@pytest.mark.parametrize(
    ("children", "ratio", "needed"),
    [(0, 5, 0), (1, 5, 1), (5, 5, 1), (6, 5, 2), (14, 5, 3), (16, 8, 2), (17, 8, 3), (18, 9, 2)],
)
def test_staff_needed_rounds_up(children: int, ratio: int, needed: int) -> None:
    assert staff_needed(children, ratio) == needed


@given(children=st.integers(0, 1000), ratio=st.integers(1, 20))
def test_staff_needed_is_the_fewest_that_cover_the_children(children: int, ratio: int) -> None:
    needed = staff_needed(children, ratio)
    assert needed * ratio >= children
    assert (needed - 1) * ratio < children or needed == 0


def test_staff_needed_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        staff_needed(3, 0)
    with pytest.raises(ValueError):
        staff_needed(-1, 5)


def test_occupancy_pct_of_a_day() -> None:
    assert occupancy_pct(Decimal("10.5"), 14) == Decimal(75)
    assert occupancy_pct(Decimal(14), 14) == Decimal(100)
    assert occupancy_pct(Decimal(16), 14) == pytest.approx(Decimal("114.2857142857"))


def test_occupancy_pct_without_capacity_is_zero() -> None:
    assert occupancy_pct(Decimal(3), 0) == 0


def test_occupancy_pct_is_a_decimal() -> None:
    assert isinstance(occupancy_pct(Decimal("10.5"), 14), Decimal)
    assert isinstance(occupancy_pct(Decimal("10.5"), 0), Decimal)


def test_period_occupancy_sums_before_dividing() -> None:
    days = [(Decimal(9), 18), (Decimal(6), 6)]  # 50 % and 100 %
    assert period_occupancy_pct(days) == Decimal("62.5")  # not the mean of 75 %


def test_period_occupancy_over_several_days() -> None:
    days = [(Decimal(14), 14), (Decimal(7), 14), (Decimal("10.5"), 14)]
    assert period_occupancy_pct(days) == Decimal(75)


def test_period_occupancy_takes_a_generator() -> None:
    assert period_occupancy_pct((Decimal(7), 14) for _ in range(3)) == Decimal(50)


def test_period_occupancy_without_open_days_is_zero() -> None:
    assert period_occupancy_pct([]) == 0
