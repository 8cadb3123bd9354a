"""Domain rules of the families app that need no database.

Plain, typed functions over plain values: the models and services feed them what they
stored, so the rules can be tested (and reasoned about) on their own.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

# The five characteristics of a vulnerable family (DESIGN.md, "Families and care plans").
CHARACTERISTICS = frozenset(
    {"low_income", "health_or_care", "no_secondary_diploma", "work_or_training", "single_parent"}
)
# At least one of these must hold: work and single parenthood alone make no family vulnerable.
DISADVANTAGES = frozenset({"low_income", "health_or_care", "no_secondary_diploma"})

OCCASIONAL = "occasional"
FREQUENT = "frequent"
LONG = "long"

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


@dataclass(frozen=True)
class Criteria:
    """The priority and vulnerability criteria of a family, as they hold today."""

    work_or_training: bool = False
    integration_course: bool = False
    job_seeking: bool = False
    single_parent: bool = False
    low_income: bool = False
    no_secondary_diploma: bool = False
    health_or_care: bool = False
    foster_child: bool = False
    sibling_in_care: bool = False


def vulnerability_characteristics(criteria: Criteria) -> frozenset[str]:
    """Which of the five characteristics of vulnerability hold.

    An integration course or a job-seeking trajectory counts as training, so each of them
    makes "work_or_training" hold; together with work they still count once. Foster child
    and sibling in care give priority but are no characteristic of vulnerability.
    """
    held = {
        "low_income": criteria.low_income,
        "health_or_care": criteria.health_or_care,
        "no_secondary_diploma": criteria.no_secondary_diploma,
        "work_or_training": (
            criteria.work_or_training or criteria.integration_course or criteria.job_seeking
        ),
        "single_parent": criteria.single_parent,
    }
    return frozenset(name for name, holds in held.items() if holds)


def is_vulnerable(criteria: Criteria) -> bool:
    """Whether the family is vulnerable (kwetsbaar).

    A family is vulnerable when at least 2 of the 5 characteristics hold (low income,
    health or care situation, no secondary diploma, work or training, single parent) and at
    least one of them is one of the first three. A working single parent is therefore not
    vulnerable; a single parent with a low income is. The flag is derived, never typed in.
    """
    held = vulnerability_characteristics(criteria)
    return len(held) >= 2 and bool(held & DISADVANTAGES)


def priority_score(criteria: Criteria, *, urgent: bool = False) -> tuple[int, int, int]:
    """Sort key for the waiting list: smaller comes first.

    Urgent first, then more priority criteria (all nine count), then vulnerable families.
    The caller appends the date to break ties: ``(priority_score(c, urgent=u), received)``.
    """
    criteria_held = sum(getattr(criteria, field.name) for field in fields(criteria))
    return (0 if urgent else 1, -criteria_held, -int(is_vulnerable(criteria)))


def respite_days_earned(
    *,
    days_per_week: float,
    start: dt.date,
    end: dt.date | None,
    year: int,
    per_year_full_time: int = 18,
) -> Decimal:
    """Respite days a care plan earns in a calendar year, to one decimal.

    Pro rata twice: ``days_per_week / 5`` of the full-time allowance, and the share of the
    year's days (both ends included) that fall within the plan. An open-ended plan runs to
    the end of the year; a plan outside the year earns nothing.
    """
    first_of_year = dt.date(year, 1, 1)
    last_of_year = dt.date(year, 12, 31)
    covered_from = max(start, first_of_year)
    covered_to = last_of_year if end is None else min(end, last_of_year)
    if covered_to < covered_from:
        return Decimal("0.0")
    covered_days = (covered_to - covered_from).days + 1
    days_in_year = 366 if calendar.isleap(year) else 365
    # str() so that 2.5 days a week is exactly 2.5, not its binary approximation.
    earned = (
        Decimal(per_year_full_time) * Decimal(str(days_per_week)) / 5 * covered_days / days_in_year
    )
    return earned.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def days_per_week(pattern: Mapping[int, tuple[dt.time, dt.time]]) -> int:
    """Number of days in a weekly pattern that maps ISO weekday (1 = Monday) to times."""
    for weekday in pattern:
        if not 1 <= weekday <= 7:
            raise ValueError(f"ISO weekday must be 1..7, not {weekday!r}")
    return len(pattern)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the end of that month.

    2026-08-31 plus 6 months is 2027-02-28 (2028-02-29 in a leap year).
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


def _week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _came_frequently(attended: set[dt.date], *, days_per_week: int, weeks: int) -> bool:
    per_week: dict[dt.date, int] = {}
    for day in attended:
        monday = _week_monday(day)
        per_week[monday] = per_week.get(monday, 0) + 1
    full_weeks = {monday for monday, count in per_week.items() if count >= days_per_week}
    for monday in full_weeks:
        # Start counting only at the first week of a run, so every run is walked once.
        if monday - dt.timedelta(weeks=1) in full_weeks:
            continue
        run = 1
        while monday + dt.timedelta(weeks=run) in full_weeks:
            run += 1
        if run >= weeks:
            return True
    return False


def transition_reason(
    *,
    care_kind: str,
    plan_start: dt.date,
    today: dt.date,
    attended_days: Iterable[dt.date],
    days_per_week: int = 3,
    weeks: int = 4,
    max_months: int = 6,
) -> str | None:
    """Why a child on occasional care should be proposed a regular place, if at all.

    "frequent": the child came at least ``days_per_week`` days in each of ``weeks``
    consecutive ISO weeks (Monday to Sunday). Only days of this plan up to today count, so the
    current week counts once it already has enough days.
    "long": today is at least ``max_months`` calendar months after the start of the plan.
    Frequent wins when both hold; regular care never transitions.
    """
    if care_kind != OCCASIONAL:
        return None
    attended = {day for day in attended_days if plan_start <= day <= today}
    if _came_frequently(attended, days_per_week=days_per_week, weeks=weeks):
        return FREQUENT
    if today >= add_months(plan_start, max_months):
        return LONG
    return None


def social_mix_pct(vulnerable: int, total: int) -> Decimal:
    """Share of children from vulnerable families, in percent to two decimals."""
    if vulnerable < 0 or total < 0 or vulnerable > total:
        raise ValueError(f"need 0 <= vulnerable <= total, got {vulnerable} of {total}")
    if total == 0:
        return Decimal("0.00")
    return (Decimal(100) * vulnerable / total).quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def social_mix_status(pct: Decimal, *, aim: Decimal, trap2_min: Decimal, trap3_min: Decimal) -> str:
    """Where a social mix stands: "aim_met", "trap3", "trap2" or "below"."""
    if pct >= aim:
        return "aim_met"
    if pct >= trap3_min:
        return "trap3"
    if pct >= trap2_min:
        return "trap2"
    return "below"


@dataclass(frozen=True)
class SocialMix:
    """A social mix with the site's aim and Kind en Gezin's conditions. Which children
    `total` counts is the caller's to say: those with a care plan, or those present."""

    vulnerable: int
    total: int
    aim: Decimal
    trap2_min: Decimal
    trap3_min: Decimal

    @property
    def pct(self) -> Decimal:
        return social_mix_pct(self.vulnerable, self.total)

    @property
    def status(self) -> str:
        return social_mix_status(
            self.pct, aim=self.aim, trap2_min=self.trap2_min, trap3_min=self.trap3_min
        )
