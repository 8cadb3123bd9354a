"""The runs of slots with the same children, and the overflow risk computed over them,
against the definition slot by slot (hypothesis), with hours and slots of any length."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from planning.rules import (
    PlannedBooking,
    fills_slot,
    overflow_probability,
    overflow_risk,
    slot_runs,
    slots,
)

OPENS = dt.time(7, 30)
CLOSES = dt.time(18, 0)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _times(draw: st.DrawFn, low: int, high: int) -> dt.time:
    # To the second, so stays and hours fall inside slots as well as on their edges.
    second = draw(st.integers(low, high))
    return dt.time(second // 3600, second // 60 % 60, second % 60)


@st.composite
def days_with_hours(draw: st.DrawFn) -> tuple:
    """Opening hours not on a slot's edge, slots of any length, stays before opening and
    after closing: (stays, opens, closes, minutes)."""
    opens = _times(draw, 6 * 3600, 10 * 3600)
    closes = _times(draw, 6 * 3600, 20 * 3600)
    minutes = draw(st.sampled_from([1, 5, 7, 15, 30, 60, 240]))
    stays = []
    for _ in range(draw(st.integers(0, 15))):
        start = _times(draw, 5 * 3600, 21 * 3600 - 1)
        end = _times(draw, start.hour * 3600 + start.minute * 60 + start.second + 1, 21 * 3600)
        stays.append((start, end))
    return stays, opens, closes, minutes


def _runs_slot_by_slot(stays, opens, closes, minutes) -> list[tuple[int, ...]]:
    """The definition: the children of every slot, a new run where they change."""
    runs: list[tuple[int, ...]] = []
    for slot in slots(opens, closes, minutes):
        present = tuple(
            i for i, (start, end) in enumerate(stays) if fills_slot(start, end, slot, minutes)
        )
        if not runs or runs[-1] != present:
            runs.append(present)
    return runs


@given(day=days_with_hours())
def test_the_runs_of_slots_are_the_slots_children_where_they_change(day: tuple) -> None:
    stays, opens, closes, minutes = day
    assert slot_runs(stays, opens=opens, closes=closes, minutes=minutes) == _runs_slot_by_slot(
        stays, opens, closes, minutes
    )


@given(day=days_with_hours(), data=st.data())
def test_overflow_risk_over_the_runs_is_that_of_every_slot(day: tuple, data: st.DataObject) -> None:
    stays, opens, closes, minutes = day
    bookings = [PlannedBooking(start, end, data.draw(st.floats(0, 1))) for start, end in stays]
    # Below zero too: the usable capacity of a group whose reserve exceeds it.
    capacity = data.draw(st.integers(-1, len(bookings)))
    by_slot = max(
        (
            overflow_probability(
                [b.p for b in bookings if fills_slot(b.start, b.end, slot, minutes)], capacity
            )
            for slot in slots(opens, closes, minutes)
        ),
        default=0.0,
    )
    risk = overflow_risk(bookings, capacity=capacity, opens=opens, closes=closes, minutes=minutes)
    assert risk == by_slot


def test_slot_runs_of_a_morning_and_an_afternoon() -> None:
    stays = [(t("08:00"), t("12:00")), (t("12:00"), t("17:00")), (t("11:50"), t("12:05"))]
    runs = slot_runs(stays, opens=OPENS, closes=CLOSES)
    # 07:30 nobody; 08:00 the morning; 11:45 with 11:50–12:05; 12:00 the afternoon with it;
    # 12:15 the afternoon; 17:00 nobody until closing.
    assert runs == [(), (0,), (0, 2), (1, 2), (1,), ()]


def test_slot_runs_of_a_closed_day_is_empty() -> None:
    assert slot_runs([(t("08:00"), t("12:00"))], opens=t("12:00"), closes=t("12:00")) == []
