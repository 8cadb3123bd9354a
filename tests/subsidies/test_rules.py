"""The subsidy rules without a database: filling schemes, the shortfall and its causes."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subsidies import rules
from subsidies.rules import BookingDay, PlaceTypeDay, SchemePlaces

D = Decimal


def _scheme(scheme_id, places, rate, place_type="occasional", name=None):
    return SchemePlaces(
        scheme_id=scheme_id,
        name=name or f"S{scheme_id}",
        place_type=place_type,
        places=places,
        rate_eur=D(rate),
    )


def _booking(place_type, outcome, prestatie, planned="1"):
    return BookingDay(
        place_type=place_type, outcome=outcome, prestatie=D(prestatie), planned_fraction=D(planned)
    )


def test_the_split_takes_no_shows_first_then_excused_then_vacancy():
    assert rules.split_shortfall(D("3"), no_show=D("0.5"), excused=D("1")) == (
        D("0.5"),
        D("1"),
        D("1.5"),
    )
    # More absences than shortfall: the no-shows take it all, nothing is left to split.
    assert rules.split_shortfall(D("1"), no_show=D("2"), excused=D("1")) == (D(1), D(0), D(0))
    assert rules.split_shortfall(D("1.5"), no_show=D("1"), excused=D("1")) == (
        D(1),
        D("0.5"),
        D(0),
    )
    assert rules.split_shortfall(D(0), no_show=D(1), excused=D(1)) == (D(0), D(0), D(0))


def test_schemes_fill_from_the_highest_rate_down():
    # 3.5 care days fill the € 36 scheme's 4 places first: it misses 0.5, the € 20 scheme
    # misses its 2. One no-show costs the best-paid empty places first: 0.5 × 36 + 0.5 × 20.
    loss = rules.day_loss(
        schemes=[_scheme(2, 2, "20.00"), _scheme(1, 4, "36.00")],
        bookings=[
            _booking("occasional", "present", "1"),
            _booking("occasional", "present", "1"),
            _booking("urgent", "present", "1"),
            _booking("occasional", "present", "0.5", planned="1"),
            _booking("occasional", "no_show", "0"),
        ],
    )
    best, second = loss.schemes
    assert (best.scheme.scheme_id, best.prestaties, best.shortfall) == (1, D("3.5"), D("0.5"))
    assert (second.prestaties, second.shortfall) == (D(0), D(2))
    assert loss.lost_eur == D("58.00")  # 0.5 × 36 + 2 × 20
    assert (loss.no_show_days, loss.excused_days, loss.vacancy_days) == (D(1), D(0), D("1.5"))
    assert loss.lost_by_cause() == {"no_show": D("28.00"), "excused": D(0), "vacancy": D("30.00")}
    assert loss.expected_eur == D("126.00")  # 3.5 × 36


def test_excused_counts_only_when_the_booking_does_not_count():
    loss = rules.day_loss(
        schemes=[_scheme(1, 3, "25", place_type="regular")],
        bookings=[
            _booking("regular", "excused", "1"),  # respijtdag: counts, no loss
            _booking("regular", "excused", "0", planned="0.5"),  # "andere": does not
        ],
    )
    assert loss.shortfall == D(2)
    assert (loss.excused_days, loss.vacancy_days) == (D("0.5"), D("1.5"))


def test_place_types_keep_their_own_schemes():
    loss = rules.day_loss(
        schemes=[_scheme(1, 2, "30", "occasional"), _scheme(2, 2, "25", "regular")],
        bookings=[_booking("regular", "present", "1"), _booking("regular", "present", "1")]
        + [_booking("regular", "present", "1")],  # a third regular child: no occasional place
    )
    assert loss.place_types["regular"].shortfall == 0
    assert loss.place_types["occasional"].shortfall == 2
    assert loss.lost_eur == D(60)


def test_equal_rates_fill_in_name_order():
    ordered = rules.fill_order([_scheme(1, 1, "10", name="B"), _scheme(2, 1, "10", name="A")])
    assert [s.name for s in ordered] == ["A", "B"]


def test_urgent_fills_occasional_places_and_unknown_types_are_refused():
    assert rules.scheme_place_type("urgent") == "occasional"
    assert rules.scheme_place_type("regular") == "regular"
    with pytest.raises(ValueError):
        rules.scheme_place_type("evening")
    with pytest.raises(ValueError):
        _scheme(1, 1, "1", place_type="urgent")


def test_booking_day_uses_the_planning_rules():
    present_short = rules.booking_day(
        place_type="occasional",
        outcome="present",
        absence_counts=None,
        planned_start=dt.time(8, 30),
        planned_end=dt.time(16, 30),
        arrived=dt.time(9),
        left=dt.time(12),
    )
    assert (present_short.prestatie, present_short.planned_fraction) == (D("0.5"), D(1))
    sick_occasional = rules.booking_day(
        place_type="occasional",
        outcome="excused",
        absence_counts=True,
        planned_start=dt.time(8, 30),
        planned_end=dt.time(12),
        arrived=None,
        left=None,
    )
    assert (sick_occasional.prestatie, sick_occasional.planned_fraction) == (D(0), D("0.5"))


def test_overcommitted_places_are_found_on_the_date_they_start():
    entries = [
        (dt.date(2026, 1, 1), "Trap 3", 4),
        (dt.date(2026, 1, 1), "Trap 2A", 2),
        (dt.date(2026, 7, 1), "Trap 3", 5),
        (dt.date(2026, 9, 1), "Trap 2A", 1),
    ]
    assert rules.overcommitted(entries, 6) == [dt.date(2026, 7, 1)]
    assert rules.overcommitted(entries, 7) == []


def test_in_force_takes_the_latest_entry_on_or_before_the_day():
    class Entry:
        def __init__(self, valid_from):
            self.valid_from = valid_from

    entries = [Entry(dt.date(2026, 7, 1)), Entry(dt.date(2026, 1, 1))]
    assert rules.in_force(entries, dt.date(2025, 12, 31)) is None
    assert rules.in_force(entries, dt.date(2026, 6, 30)) is entries[1]
    assert rules.in_force(entries, dt.date(2026, 7, 1)) is entries[0]


def test_conditions_met_at_risk_missed():
    assert rules.condition_status(projected=D(72), minimum=D(70), attainable=True) == "met"
    assert rules.condition_status(projected=D(68), minimum=D(70), attainable=True) == "at_risk"
    assert (
        rules.condition_status(projected=D(72), minimum=D(70), attainable=True, current=D(65))
        == "at_risk"
    )
    assert rules.condition_status(projected=D(10), minimum=D(70), attainable=False) == "missed"


def test_the_projection_goes_on_at_the_recent_pace():
    # 100 of 200 capacity-days so far (50 %), lately 80 %, 200 capacity-days to go:
    # (100 + 0.8 × 200) / 400 = 65 %.
    projected = rules.projected_share_pct(
        done=D(100), done_of=D(200), pace=D(80), pace_of=D(100), remaining_of=D(200)
    )
    assert projected == D(65)
    assert rules.best_share_pct(done=D(100), done_of=D(200), remaining_of=D(200)) == D(75)


def test_monthly_amounts_and_quarters():
    assert rules.monthly_amount(kind="per_trainee_month", rate_eur=D(1450), places=2) == D(2900)
    assert rules.monthly_amount(kind="lump_sum", rate_eur=D(12000), places=0) == D(1000)
    with pytest.raises(ValueError):
        rules.monthly_amount(kind="per_place_day", rate_eur=D(1), places=1)
    assert rules.quarter_of(dt.date(2026, 11, 27)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.quarter_of(dt.date(2026, 2, 28)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert rules.months_in(dt.date(2026, 11, 15), dt.date(2027, 1, 2)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]


halves = st.integers(min_value=0, max_value=40).map(lambda n: D(n) / 2)
scheme_lists = st.lists(
    st.tuples(st.integers(0, 10), st.integers(0, 5000).map(lambda c: D(c) / 100)),
    max_size=4,
)


@given(schemes=scheme_lists, prestaties=halves, no_show=halves, excused=halves)
def test_the_causes_add_up_to_the_shortfall_and_the_euros_to_the_loss(
    schemes, prestaties, no_show, excused
):
    places = [_scheme(i, p, r) for i, (p, r) in enumerate(schemes)]
    loss = rules.day_loss_from_sums(
        schemes=places,
        days={"occasional": PlaceTypeDay(prestaties=prestaties, no_show=no_show, excused=excused)},
    )
    kind = loss.place_types["occasional"]
    assert kind.no_show_days + kind.excused_days + kind.vacancy_days == kind.shortfall
    assert kind.no_show_days <= no_show and kind.excused_days <= excused
    assert all(s.prestaties <= s.scheme.places for s in kind.schemes)
    assert sum(loss.lost_by_cause().values()) == loss.lost_eur
    total_places = sum(p.places for p in places)
    assert kind.shortfall == max(D(0), total_places - prestaties)
    assert loss.lost_eur + loss.expected_eur == sum(p.places * p.rate_eur for p in places)


@given(schemes=scheme_lists, prestaties=halves)
def test_one_more_child_never_loses_more(schemes, prestaties):
    places = [_scheme(i, p, r) for i, (p, r) in enumerate(schemes)]

    def lost(amount):
        return rules.day_loss_from_sums(
            schemes=places, days={"occasional": PlaceTypeDay(prestaties=amount)}
        ).lost_eur

    assert lost(prestaties + D("0.5")) <= lost(prestaties)
