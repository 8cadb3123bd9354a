"""The referral figures of the reports, from the referrals app when it provides them.

The referrals app is built alongside this one: until `referrals.selectors.referral_figures`
exists the reports show no referrals rather than failing.
"""

import datetime as dt
from collections.abc import Iterable
from importlib import import_module

from elief.models import Site

EMPTY = {"referrals_received": 0, "referrals_started": 0, "median_days_to_start": None}


def _provider():
    try:
        module = import_module("referrals.selectors")
    except ModuleNotFoundError as error:
        if error.name != "referrals.selectors":
            raise  # a broken import inside the module is a bug to see, not to hide
        return None
    return getattr(module, "referral_figures", None)


def referral_figures(*, sites: Iterable[Site], start: dt.date, end: dt.date) -> dict:
    """referrals_received, referrals_started and median_days_to_start (None: none started)."""
    provider = _provider()
    if provider is None:
        return dict(EMPTY)
    figures = provider(sites=list(sites), start=start, end=end)
    return {key: figures.get(key, default) for key, default in EMPTY.items()}
