"""The referral rules without a database: transitions, deadlines, figures, matching."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals import rules
from referrals.rules import ReferralFacts

RECEIVED = dt.date(2026, 3, 2)
DUE = dt.date(2026, 3, 23)  # 21 days later


def test_the_deadline_is_the_received_date_plus_the_sites_days():
    assert rules.due_date(RECEIVED, 21) == DUE
    assert rules.due_date(RECEIVED, 14) == dt.date(2026, 3, 16)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (dt.date(2026, 3, 10), rules.OPEN),  # 13 days left
        (dt.date(2026, 3, 17), rules.OPEN),  # 6 days left
        (dt.date(2026, 3, 18), rules.DUE_SOON),  # 5 days left
        (DUE, rules.DUE_SOON),  # the due date itself: 0 days left, not yet overdue
        (dt.date(2026, 3, 24), rules.OVERDUE),
    ],
)
def test_an_open_referral_is_flagged_five_days_ahead_and_after_its_deadline(today, state):
    assert rules.deadline_state(status=rules.RECEIVED, due=DUE, closed_on=None, today=today) == (
        state
    )


def test_waiting_is_no_final_status_and_keeps_the_clock_running():
    today = dt.date(2026, 4, 1)
    assert not rules.is_final(rules.WAITING)
    assert (
        rules.deadline_state(status=rules.WAITING, due=DUE, closed_on=None, today=today)
        == rules.OVERDUE
    )


@pytest.mark.parametrize("status", [rules.STARTED, rules.DECLINED, rules.WITHDRAWN])
def test_a_final_referral_is_on_time_or_late_by_the_day_it_closed(status):
    later = dt.date(2026, 6, 1)
    assert rules.deadline_state(status=status, due=DUE, closed_on=DUE, today=later) == (
        rules.ON_TIME
    )
    late = DUE + dt.timedelta(days=1)
    assert rules.deadline_state(status=status, due=DUE, closed_on=late, today=later) == (rules.LATE)


def test_the_pipeline_goes_forward_and_a_final_status_is_final():
    assert rules.can_move(rules.RECEIVED, rules.INTAKE_PLANNED)
    assert rules.can_move(rules.INTAKE_PLANNED, rules.INTAKE_PLANNED)  # a new intake date
    assert rules.can_move(rules.WAITING, rules.STARTED)
    assert not rules.can_move(rules.WAITING, rules.RECEIVED)
    for final in rules.FINAL_STATUSES:
        assert not any(rules.can_move(final, target) for target in rules.TRANSITIONS)


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert rules.median([10, 3, 20, 7]) == Decimal("8.5")
    assert rules.median([5, 9, 30]) == Decimal("9.0")
    assert rules.median([4]) == Decimal("4.0")
    assert rules.median([]) is None


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=40))
def test_the_median_lies_between_the_extremes_whatever_the_order(values):
    median = rules.median(values)
    assert min(values) <= median <= max(values)
    assert rules.median(list(reversed(values))) == median


def _facts(org, status, received, *, started=None, closed=None, days=21):
    return ReferralFacts(
        organisation=org,
        status=status,
        received=received,
        due=received + dt.timedelta(days=days),
        closed_on=closed,
        first_care_day=started,
    )


def test_figures_per_organisation_agree_with_a_hand_worked_example():
    """March 2026, deadline 21 days, today 15 April.

    VDAB: four started after 3, 7, 10 and 20 days (median (7 + 10) / 2 = 8.5, worst 20),
    one of them decided late; one declined on time; one still waiting since 2 March
    (overdue). OCMW: started after 5, 9 and 30 days (median 9, worst 30), the last one
    decided late; one withdrawn; one received on 30 March, open and not due yet.
    All together: days 3, 5, 7, 9, 10, 20, 30, so the median is 9 and the worst 30.
    """
    d = dt.date
    referrals = [
        _facts("VDAB", rules.STARTED, d(2026, 3, 2), started=d(2026, 3, 5), closed=d(2026, 3, 4)),
        _facts("VDAB", rules.STARTED, d(2026, 3, 3), started=d(2026, 3, 10), closed=d(2026, 3, 9)),
        _facts("VDAB", rules.STARTED, d(2026, 3, 4), started=d(2026, 3, 14), closed=d(2026, 3, 12)),
        _facts("VDAB", rules.STARTED, d(2026, 3, 5), started=d(2026, 3, 25), closed=d(2026, 3, 27)),
        _facts("VDAB", rules.DECLINED, d(2026, 3, 9), closed=d(2026, 3, 20)),
        _facts("VDAB", rules.WAITING, d(2026, 3, 2)),
        _facts(
            "OCMW", rules.STARTED, d(2026, 3, 10), started=d(2026, 3, 15), closed=d(2026, 3, 12)
        ),
        _facts(
            "OCMW", rules.STARTED, d(2026, 3, 11), started=d(2026, 3, 20), closed=d(2026, 3, 19)
        ),
        _facts("OCMW", rules.STARTED, d(2026, 3, 2), started=d(2026, 4, 1), closed=d(2026, 3, 30)),
        _facts("OCMW", rules.WITHDRAWN, d(2026, 3, 16), closed=d(2026, 3, 18)),
        _facts("OCMW", rules.RECEIVED, d(2026, 3, 30)),
    ]
    today = d(2026, 4, 15)
    by_organisation = rules.figures_by_organisation(referrals, today=today)
    assert by_organisation["VDAB"] == {
        "received": 6,
        "started": 4,
        "declined": 1,
        "withdrawn": 0,
        "open": 1,
        "overdue": 2,  # the late decision of 27 March and the one still waiting
        "median_days_to_start": Decimal("8.5"),
        "max_days_to_start": 20,
    }
    assert by_organisation["OCMW"] == {
        "received": 5,
        "started": 3,
        "declined": 0,
        "withdrawn": 1,
        "open": 1,
        "overdue": 1,  # decided on 30 March for a referral due on 23 March
        "median_days_to_start": Decimal("9.0"),
        "max_days_to_start": 30,
    }
    total = rules.figures(referrals, today=today)
    assert (total["received"], total["started"], total["overdue"]) == (11, 7, 3)
    assert total["median_days_to_start"] == Decimal("9.0")
    assert total["max_days_to_start"] == 30


def test_no_started_referral_gives_no_median_rather_than_zero():
    figures = rules.figures([_facts("CAW", rules.DECLINED, RECEIVED, closed=RECEIVED)], today=DUE)
    assert figures["median_days_to_start"] is None
    assert figures["max_days_to_start"] is None


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0470 12 34 56", "0470123456"),
        ("+32 470 12 34 56", "0470123456"),
        ("0032470123456", "0470123456"),
        ("03/123.45.67", "031234567"),
        ("", ""),
    ],
)
def test_phone_numbers_are_compared_as_digits_with_the_belgian_prefix_folded(typed, normalised):
    assert rules.normalise_phone(typed) == normalised


def test_names_are_compared_as_people_type_them():
    assert rules.same_name(" samira ", "Samira")
    assert rules.same_name("El  Amrani", "el amrani")
    assert not rules.same_name("", "")
    assert not rules.same_name("Samira", "Samir")
