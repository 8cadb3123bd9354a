"""Domain rules of the referrals app that need no database.

Plain, typed functions over plain values: the pipeline's transitions, the deadline a
referral must meet (Antwerp's rule: a final status within 21 days by default), the key
figures per organisation, and the matching of phone numbers.
"""

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

RECEIVED = "received"
INTAKE_PLANNED = "intake_planned"
STARTED = "started"
WAITING = "waiting"
DECLINED = "declined"
WITHDRAWN = "withdrawn"

# "Waiting" is no answer to the family: only these end the clock.
FINAL_STATUSES = frozenset({STARTED, DECLINED, WITHDRAWN})
OPEN_STATUSES = frozenset({RECEIVED, INTAKE_PLANNED, WAITING})
# The steps a referrer is told of by mail: those that change what the family can expect.
REFERRER_HEARS = frozenset({INTAKE_PLANNED, STARTED, DECLINED, WITHDRAWN})

# Where a referral may go from each status. Planning the intake again moves its date;
# a final status is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({INTAKE_PLANNED, WAITING, STARTED, DECLINED, WITHDRAWN}),
    INTAKE_PLANNED: frozenset({INTAKE_PLANNED, WAITING, STARTED, DECLINED, WITHDRAWN}),
    WAITING: frozenset({INTAKE_PLANNED, STARTED, DECLINED, WITHDRAWN}),
    STARTED: frozenset(),
    DECLINED: frozenset(),
    WITHDRAWN: frozenset(),
}

# Deadline states of a referral.
ON_TIME = "on_time"  # final, within the deadline
LATE = "late"  # final, after the deadline
OVERDUE = "overdue"  # still open, past the deadline
DUE_SOON = "due_soon"  # still open, at most SOON_DAYS left
OPEN = "open"  # still open, more time left

SOON_DAYS = 5
ONE_DECIMAL = Decimal("0.1")


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def due_date(received: dt.date, deadline_days: int) -> dt.date:
    """The last day on which the referral must have reached a final status."""
    return received + dt.timedelta(days=deadline_days)


def deadline_state(
    *,
    status: str,
    due: dt.date,
    closed_on: dt.date | None,
    today: dt.date,
    soon_days: int = SOON_DAYS,
) -> str:
    """Where a referral stands against its deadline.

    A final referral is on time when it closed on or before the due date. An open one
    ("waiting" included) is overdue after the due date and due soon when at most
    `soon_days` days are left (the due date itself has 0 days left).
    """
    if is_final(status):
        return LATE if closed_on is not None and closed_on > due else ON_TIME
    days_left = (due - today).days
    if days_left < 0:
        return OVERDUE
    if days_left <= soon_days:
        return DUE_SOON
    return OPEN


def missed_deadline(state: str) -> bool:
    """Counted as overdue in the figures: open past the deadline, or closed after it."""
    return state in (OVERDUE, LATE)


def median(values: Iterable[int]) -> Decimal | None:
    """The median, to one decimal; of an even count, the mean of the two middle values.

    None when there are no values: "no referral started" is not "0 days".
    """
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        value = Decimal(ordered[middle])
    else:
        value = (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2
    return value.quantize(ONE_DECIMAL)


@dataclass(frozen=True)
class ReferralFacts:
    """What the figures need of one referral; no names."""

    organisation: Hashable
    status: str
    received: dt.date
    due: dt.date
    closed_on: dt.date | None = None
    first_care_day: dt.date | None = None


def days_to_start(facts: ReferralFacts) -> int | None:
    if facts.status != STARTED or facts.first_care_day is None:
        return None
    return (facts.first_care_day - facts.received).days


def figures(referrals: Iterable[ReferralFacts], *, today: dt.date) -> dict:
    """Key figures of a set of referrals (usually those received in one period).

    `started` counts the referrals of the set that have started (not the referrals whose
    first care day lies in the period); `median_days_to_start` and `max_days_to_start` are
    taken over those, from the received date to the first care day. `overdue` counts the
    referrals that missed their deadline: still open past it, or closed after it.
    """
    counts = {
        "received": 0,
        "started": 0,
        "declined": 0,
        "withdrawn": 0,
        "open": 0,
        "overdue": 0,
    }
    days: list[int] = []
    for facts in referrals:
        counts["received"] += 1
        if facts.status == STARTED:
            counts["started"] += 1
        elif facts.status == DECLINED:
            counts["declined"] += 1
        elif facts.status == WITHDRAWN:
            counts["withdrawn"] += 1
        else:
            counts["open"] += 1
        state = deadline_state(
            status=facts.status, due=facts.due, closed_on=facts.closed_on, today=today
        )
        counts["overdue"] += missed_deadline(state)
        if (waited := days_to_start(facts)) is not None:
            days.append(waited)
    return {
        **counts,
        "median_days_to_start": median(days),
        "max_days_to_start": max(days) if days else None,
    }


def figures_by_organisation(
    referrals: Iterable[ReferralFacts], *, today: dt.date
) -> dict[Hashable, dict]:
    """`figures` per organisation, in the order the organisations first appear."""
    grouped: dict[Hashable, list[ReferralFacts]] = {}
    for facts in referrals:
        grouped.setdefault(facts.organisation, []).append(facts)
    return {key: figures(rows, today=today) for key, rows in grouped.items()}


def normalise_phone(phone: str) -> str:
    """Digits only, Belgian international prefixes folded: "+32 470 12 34 56" is "0470123456"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0032"):
        digits = "0" + digits[4:]
    elif digits.startswith("32") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


def same_name(a: str, b: str) -> bool:
    """Names as people type them: case, spacing and surrounding blanks do not count."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold() != ""
