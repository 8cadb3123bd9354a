"""The database-free rules of the families app: vulnerability, priority, respite days,
transitions to a regular place and the social mix."""

import datetime as dt
from dataclasses import fields, replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from families.rules import (
    CHARACTERISTICS,
    Criteria,
    add_months,
    days_per_week,
    is_vulnerable,
    priority_score,
    respite_days_earned,
    social_mix_pct,
    social_mix_status,
    transition_reason,
    vulnerability_characteristics,
)

FIELD_NAMES = [field.name for field in fields(Criteria)]

criteria_strategy = st.builds(Criteria, **{name: st.booleans() for name in FIELD_NAMES})


# Vulnerability


def test_no_criteria_is_not_vulnerable() -> None:
    assert vulnerability_characteristics(Criteria()) == frozenset()
    assert not is_vulnerable(Criteria())


def test_single_parent_with_low_income_is_vulnerable() -> None:
    assert is_vulnerable(Criteria(single_parent=True, low_income=True))


def test_working_single_parent_is_not_vulnerable() -> None:
    # Two characteristics, but none of low income, health/care, no diploma.
    criteria = Criteria(single_parent=True, work_or_training=True)
    assert vulnerability_characteristics(criteria) == {"single_parent", "work_or_training"}
    assert not is_vulnerable(criteria)


def test_integration_course_counts_as_training() -> None:
    criteria = Criteria(integration_course=True, no_secondary_diploma=True)
    assert vulnerability_characteristics(criteria) == {"work_or_training", "no_secondary_diploma"}
    assert is_vulnerable(criteria)


def test_job_seeking_counts_as_training() -> None:
    criteria = Criteria(job_seeking=True, health_or_care=True)
    assert vulnerability_characteristics(criteria) == {"work_or_training", "health_or_care"}
    assert is_vulnerable(criteria)


def test_job_seeking_and_working_count_once() -> None:
    criteria = Criteria(job_seeking=True, work_or_training=True, integration_course=True)
    assert vulnerability_characteristics(criteria) == {"work_or_training"}
    assert not is_vulnerable(criteria)


def test_low_income_alone_is_not_vulnerable() -> None:
    assert not is_vulnerable(Criteria(low_income=True))


def test_two_of_the_first_three_are_vulnerable() -> None:
    assert is_vulnerable(Criteria(low_income=True, health_or_care=True))


def test_foster_child_and_sibling_do_not_count_towards_vulnerability() -> None:
    criteria = Criteria(foster_child=True, sibling_in_care=True, low_income=True)
    assert vulnerability_characteristics(criteria) == {"low_income"}
    assert not is_vulnerable(criteria)


def test_all_criteria_give_all_five_characteristics() -> None:
    everything = Criteria(**dict.fromkeys(FIELD_NAMES, True))
    assert vulnerability_characteristics(everything) == CHARACTERISTICS
    assert is_vulnerable(everything)


def test_criteria_are_immutable() -> None:
    with pytest.raises(AttributeError):
        Criteria().low_income = True  # type: ignore[misc]


@given(criteria_strategy, st.sampled_from(FIELD_NAMES))
def test_adding_a_criterion_never_makes_a_family_less_vulnerable(
    criteria: Criteria, name: str
) -> None:
    more = replace(criteria, **{name: True})
    assert vulnerability_characteristics(criteria) <= vulnerability_characteristics(more)
    if is_vulnerable(criteria):
        assert is_vulnerable(more)


@given(criteria_strategy)
def test_characteristics_are_among_the_five(criteria: Criteria) -> None:
    assert vulnerability_characteristics(criteria) <= CHARACTERISTICS


# Waiting-list priority


def test_priority_score_of_no_criteria() -> None:
    assert priority_score(Criteria()) == (1, 0, 0)
    assert priority_score(Criteria(), urgent=True) == (0, 0, 0)


def test_priority_score_counts_all_nine_criteria_and_vulnerability() -> None:
    criteria = Criteria(single_parent=True, low_income=True, sibling_in_care=True)
    assert priority_score(criteria) == (1, -3, -1)
    everything = Criteria(**dict.fromkeys(FIELD_NAMES, True))
    assert priority_score(everything, urgent=True) == (0, -9, -1)


def test_waiting_list_sorts_urgent_then_criteria_then_vulnerability_then_date() -> None:
    entries = [
        ("many criteria", Criteria(work_or_training=True, foster_child=True), False, 1),
        ("urgent, no criteria", Criteria(), True, 5),
        ("vulnerable", Criteria(single_parent=True, low_income=True), False, 4),
        ("nothing, early", Criteria(), False, 2),
        ("nothing, late", Criteria(), False, 3),
    ]
    ordered = sorted(entries, key=lambda e: (priority_score(e[1], urgent=e[2]), e[3]))
    assert [name for name, *_ in ordered] == [
        "urgent, no criteria",
        "vulnerable",
        "many criteria",
        "nothing, early",
        "nothing, late",
    ]


@given(criteria_strategy, st.sampled_from(FIELD_NAMES), st.booleans())
def test_adding_a_criterion_never_lowers_priority(
    criteria: Criteria, name: str, urgent: bool
) -> None:
    more = replace(criteria, **{name: True})
    assert priority_score(more, urgent=urgent) <= priority_score(criteria, urgent=urgent)


@given(criteria_strategy, criteria_strategy)
def test_urgent_always_comes_first(first: Criteria, second: Criteria) -> None:
    assert priority_score(first, urgent=True) < priority_score(second, urgent=False)


# Respite days


def test_full_time_for_a_full_year_earns_eighteen() -> None:
    earned = respite_days_earned(days_per_week=5, start=dt.date(2025, 9, 1), end=None, year=2026)
    assert earned == Decimal("18.0")


def test_three_days_a_week_for_a_full_year_earn_pro_rata() -> None:
    earned = respite_days_earned(
        days_per_week=3, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), year=2026
    )
    assert earned == Decimal("10.8")


def test_plan_from_july_earns_the_share_of_the_year() -> None:
    # 1 July to 31 December is 184 days: 18 × 184 / 365 = 9.07…
    earned = respite_days_earned(days_per_week=5, start=dt.date(2026, 7, 1), end=None, year=2026)
    assert earned == Decimal("9.1")


def test_plan_ending_before_the_year_earns_nothing() -> None:
    earned = respite_days_earned(
        days_per_week=5, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), year=2026
    )
    assert earned == 0


def test_plan_starting_after_the_year_earns_nothing() -> None:
    earned = respite_days_earned(days_per_week=5, start=dt.date(2027, 1, 1), end=None, year=2026)
    assert earned == 0


def test_plan_of_a_single_day_counts_that_day() -> None:
    # 18 × 1 / 365 = 0.049… rounds to 0.0.
    one_day = respite_days_earned(
        days_per_week=5, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 2), year=2026
    )
    assert one_day == Decimal("0.0")
    month = respite_days_earned(
        days_per_week=5, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31), year=2026
    )
    assert month == Decimal("1.5")  # 18 × 31 / 365 = 1.528…


def test_leap_year_has_366_days() -> None:
    # 18 × 1 × 183 / 366 = 9.0 exactly: 1 July to 31 December 2028.
    earned = respite_days_earned(days_per_week=5, start=dt.date(2028, 7, 1), end=None, year=2028)
    assert earned == Decimal("9.0")


def test_respite_rounds_half_up() -> None:
    # 2.5 days a week for a year: 18 × 2.5 / 5 = 9.0; a quarter day: 18 × 0.25 / 5 = 0.9.
    full_year = {"start": dt.date(2026, 1, 1), "end": None, "year": 2026}
    assert respite_days_earned(days_per_week=2.5, **full_year) == Decimal("9.0")
    assert respite_days_earned(days_per_week=0.25, **full_year) == Decimal("0.9")
    # 1 × 0.25 / 5 = 0.05 exactly: half up gives 0.1, not banker's 0.0.
    assert respite_days_earned(days_per_week=0.25, per_year_full_time=1, **full_year) == Decimal(
        "0.1"
    )


@given(
    st.integers(min_value=0, max_value=5),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.one_of(st.none(), st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))),
    st.integers(min_value=2020, max_value=2030),
)
def test_respite_stays_between_nothing_and_the_full_allowance(
    days: int, start: dt.date, end: dt.date | None, year: int
) -> None:
    earned = respite_days_earned(days_per_week=days, start=start, end=end, year=year)
    assert Decimal("0") <= earned <= Decimal("18")
    assert earned == earned.quantize(Decimal("0.1"))


# Weekly pattern


def test_days_per_week_counts_the_days_of_the_pattern() -> None:
    morning = (dt.time(8), dt.time(12, 30))
    assert days_per_week({}) == 0
    assert days_per_week({1: morning, 3: morning, 5: morning}) == 3
    assert days_per_week(dict.fromkeys(range(1, 8), morning)) == 7


@pytest.mark.parametrize("weekday", [0, 8])
def test_days_per_week_rejects_a_weekday_outside_iso(weekday: int) -> None:
    with pytest.raises(ValueError, match="ISO weekday"):
        days_per_week({weekday: (dt.time(8), dt.time(17))})


# Months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 5, 27), 6, dt.date(2026, 11, 27)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 10, 15), 3, dt.date(2027, 1, 15)),
        (dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 15), 0, dt.date(2026, 3, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 12, 31)),
    st.integers(min_value=-240, max_value=240),
)
def test_add_months_lands_in_the_right_month_on_or_before_the_same_day(
    day: dt.date, months: int
) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day
    if later.day < day.day:
        # Clamped: the last day of a shorter month.
        assert (later + dt.timedelta(days=1)).day == 1


# Transitions to a regular place


MONDAY = dt.date(2026, 9, 7)  # ISO week 37 of 2026


def came(first_monday: dt.date, days_each_week: list[int]) -> list[dt.date]:
    """Attended days from Monday on: the n-th number is how many days in the n-th week."""
    return [
        first_monday + dt.timedelta(weeks=week, days=day)
        for week, count in enumerate(days_each_week)
        for day in range(count)
    ]


def reason(
    attended: list[dt.date],
    *,
    today: dt.date = dt.date(2026, 10, 30),
    plan_start: dt.date = dt.date(2026, 9, 1),
    care_kind: str = "occasional",
) -> str | None:
    return transition_reason(
        care_kind=care_kind, plan_start=plan_start, today=today, attended_days=attended
    )


def test_three_days_for_four_weeks_is_frequent() -> None:
    assert reason(came(MONDAY, [3, 3, 3, 3])) == "frequent"


def test_four_weeks_with_one_week_of_two_days_is_not_frequent() -> None:
    assert reason(came(MONDAY, [3, 3, 2, 3])) is None


def test_three_weeks_of_five_days_are_not_frequent() -> None:
    assert reason(came(MONDAY, [5, 5, 5])) is None


def test_a_week_without_care_breaks_the_run() -> None:
    assert reason(came(MONDAY, [3, 3, 0, 3, 3])) is None


def test_a_run_after_a_break_is_frequent() -> None:
    assert reason(came(MONDAY, [3, 0, 4, 3, 5, 3])) == "frequent"


def test_weeks_run_monday_to_sunday() -> None:
    # Friday to Monday, four times: the Mondays fall in the next ISO week.
    friday = MONDAY + dt.timedelta(days=4)
    split = [friday + dt.timedelta(weeks=w, days=d) for w in range(4) for d in range(4)]
    # Week 1: Fri Sat Sun (3); weeks 2–4: Mon Fri Sat Sun (4); week 5: Mon (1).
    assert reason(split) == "frequent"
    # Thursday, Friday and the next Monday, four times.
    # Week 1: Thu Fri (2); weeks 2–4: Mon Thu Fri (3); week 5: Mon (1): only three in a row.
    thursday = MONDAY + dt.timedelta(days=3)
    straddling = [thursday + dt.timedelta(weeks=w, days=d) for w in range(4) for d in (0, 1, 4)]
    assert reason(straddling) is None


def test_consecutive_weeks_cross_the_new_year() -> None:
    # ISO weeks 52 and 53 of 2026, then weeks 1 and 2 of 2027.
    attended = came(dt.date(2026, 12, 21), [3, 3, 3, 3])
    assert reason(attended, today=dt.date(2027, 1, 15)) == "frequent"


def test_the_current_week_counts_once_it_has_enough_days() -> None:
    attended = came(MONDAY, [3, 3, 3, 3])
    third_day_of_last_week = attended[-1]
    assert reason(attended, today=third_day_of_last_week) == "frequent"
    assert reason(attended, today=third_day_of_last_week - dt.timedelta(days=1)) is None


def test_days_after_today_do_not_count() -> None:
    attended = came(MONDAY, [3, 3, 3, 3])
    assert reason(attended, today=MONDAY + dt.timedelta(weeks=2)) is None


def test_days_before_the_plan_do_not_count() -> None:
    attended = came(MONDAY, [3, 3, 3, 3])
    assert reason(attended, plan_start=MONDAY + dt.timedelta(weeks=1)) is None


def test_the_same_day_twice_counts_once() -> None:
    attended = came(MONDAY, [3, 3, 2, 3])
    assert reason(attended + attended) is None


def test_thresholds_are_parameters() -> None:
    attended = came(MONDAY, [2, 2])
    assert (
        transition_reason(
            care_kind="occasional",
            plan_start=dt.date(2026, 9, 1),
            today=dt.date(2026, 10, 30),
            attended_days=attended,
            days_per_week=2,
            weeks=2,
        )
        == "frequent"
    )


def test_six_months_of_occasional_care_is_long() -> None:
    start = dt.date(2026, 5, 27)
    assert reason([], plan_start=start, today=dt.date(2026, 11, 27)) == "long"
    assert reason([], plan_start=start, today=dt.date(2027, 3, 1)) == "long"


def test_a_day_short_of_six_months_is_not_long() -> None:
    start = dt.date(2026, 5, 27)
    assert reason([], plan_start=start, today=dt.date(2026, 11, 26)) is None


def test_six_months_from_the_end_of_august_end_in_february() -> None:
    start = dt.date(2026, 8, 31)
    assert reason([], plan_start=start, today=dt.date(2027, 2, 27)) is None
    assert reason([], plan_start=start, today=dt.date(2027, 2, 28)) == "long"


def test_frequent_wins_over_long() -> None:
    start = dt.date(2026, 3, 1)
    assert reason(came(MONDAY, [3, 3, 3, 3]), plan_start=start) == "frequent"


def test_regular_care_never_transitions() -> None:
    start = dt.date(2026, 3, 1)
    assert reason(came(MONDAY, [5, 5, 5, 5]), plan_start=start, care_kind="regular") is None


@given(st.lists(st.integers(min_value=0, max_value=7), max_size=12), st.integers(0, 11))
def test_more_attendance_never_withdraws_a_frequent_proposal(
    days_each_week: list[int], extra_week: int
) -> None:
    today = MONDAY + dt.timedelta(weeks=13)
    attended = came(MONDAY, days_each_week)
    more = [*attended, *came(MONDAY + dt.timedelta(weeks=extra_week), [7])]
    if reason(attended, today=today) == "frequent":
        assert reason(more, today=today) == "frequent"


# Social mix


def test_social_mix_pct() -> None:
    assert social_mix_pct(6, 10) == Decimal("60.00")
    assert social_mix_pct(1, 3) == Decimal("33.33")
    assert social_mix_pct(2, 3) == Decimal("66.67")
    assert social_mix_pct(1, 8) == Decimal("12.50")
    assert social_mix_pct(0, 7) == Decimal("0.00")
    assert social_mix_pct(7, 7) == Decimal("100.00")


def test_social_mix_pct_rounds_half_up() -> None:
    # 100 / 4000 = 0.025 exactly: half up gives 0.03, not banker's 0.02.
    assert social_mix_pct(1, 4000) == Decimal("0.03")


def test_social_mix_of_no_children_is_zero() -> None:
    assert social_mix_pct(0, 0) == Decimal("0.00")


@pytest.mark.parametrize(("vulnerable", "total"), [(-1, 3), (4, 3), (0, -1)])
def test_social_mix_pct_rejects_impossible_counts(vulnerable: int, total: int) -> None:
    with pytest.raises(ValueError, match="vulnerable"):
        social_mix_pct(vulnerable, total)


@pytest.mark.parametrize(
    ("pct", "status"),
    [
        ("75.00", "aim_met"),
        ("60.00", "aim_met"),
        ("59.99", "trap3"),
        ("30.00", "trap3"),
        ("29.99", "trap2"),
        ("20.00", "trap2"),
        ("19.99", "below"),
        ("0.00", "below"),
    ],
)
def test_social_mix_status(pct: str, status: str) -> None:
    thresholds = {"aim": Decimal("60"), "trap2_min": Decimal("20"), "trap3_min": Decimal("30")}
    assert social_mix_status(Decimal(pct), **thresholds) == status


@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_social_mix_pct_lies_between_0_and_100(total: int, data: st.DataObject) -> None:
    vulnerable = data.draw(st.integers(min_value=0, max_value=total))
    pct = social_mix_pct(vulnerable, total)
    assert Decimal(0) <= pct <= Decimal(100)
    assert abs(pct - Decimal(100) * vulnerable / total) <= Decimal("0.005")
