"""The referral figures of the board's reports, from the referrals app (DESIGN.md:
`subsidies` uses `referrals` for them)."""

import datetime as dt
from collections.abc import Iterable

from elief.models import Site
from referrals import selectors as referral_selectors

# The figures the reports show: the last three metrics of the monthly summary.
KEYS = ("referrals_received", "referrals_started", "median_days_to_start")


def referral_figures(*, sites: Iterable[Site], start: dt.date, end: dt.date) -> dict:
    """referrals_received, referrals_started and median_days_to_start (None: none started)."""
    figures = referral_selectors.referral_figures(sites=list(sites), start=start, end=end)
    return {key: figures[key] for key in KEYS}
