"""Reads of the subsidies app.

Two sources, one set of figures:
- `days`: each group's open day computed from the bookings, the source of truth (the
  `report` command, the nightly snapshots, the coordinator's money view);
- `board`: the board pages, from the stored nightly snapshots (`DaySnapshot`,
  `SchemeDaySnapshot`) with SQL aggregates, in a fixed number of queries whatever the number
  of children or days;
- `money`: the coordinator's money view and the ledger;
- `absences`: the absences of a month by who announced them and when, for the board.
Both sources are computed by subsidies.rules, and a test holds them to agree.
"""

from subsidies.selectors.absences import absences_counted
from subsidies.selectors.board import (
    MonthlyReport,
    add_months,
    board_home_figures,
    children_stored,
    compliance,
    monthly_report,
    snapshot_groups,
    snapshot_months,
    snapshot_schemes,
    snapshot_summary,
    snapshot_totals_by_site,
    snapshots_for,
)
from subsidies.selectors.days import (
    ATTENDANCE_COLUMNS,
    SUMMARY_METRICS,
    AtStake,
    GroupDay,
    SchemeSetup,
    attendance_list,
    children_counted,
    children_present,
    group_day,
    group_days,
    monthly_summary,
    occasional_at_stake,
    open_days_of,
    scheme_setup,
    settings_in_force,
)
from subsidies.selectors.money import (
    LedgerLine,
    ledger_entry_for_site,
    ledger_overview,
    money_view,
)

__all__ = [
    "ATTENDANCE_COLUMNS",
    "SUMMARY_METRICS",
    "AtStake",
    "GroupDay",
    "LedgerLine",
    "MonthlyReport",
    "SchemeSetup",
    "absences_counted",
    "add_months",
    "board_home_figures",
    "attendance_list",
    "children_counted",
    "children_present",
    "children_stored",
    "compliance",
    "group_day",
    "group_days",
    "ledger_entry_for_site",
    "ledger_overview",
    "monthly_report",
    "monthly_summary",
    "occasional_at_stake",
    "money_view",
    "open_days_of",
    "scheme_setup",
    "settings_in_force",
    "snapshot_groups",
    "snapshot_months",
    "snapshot_schemes",
    "snapshot_summary",
    "snapshot_totals_by_site",
    "snapshots_for",
]
