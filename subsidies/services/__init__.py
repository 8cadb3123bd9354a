"""Writes of the subsidies app, one subject a module:
- `snapshots`: the nightly figures of each group and day, stored for the board's pages;
- `schemes`: importing a site's schemes, and the limit on their places;
- `ledger`: payments received and their corrections.
"""

from subsidies.services.ledger import ledger_entry_create
from subsidies.services.schemes import (
    place_assignments_check,
    schemes_import,
    schemes_validate,
)
from subsidies.services.snapshots import (
    REFRESH_DAYS,
    NightlyResult,
    day_snapshot_of,
    nightly_run,
    scheme_snapshots_of,
    snapshots_store,
    snapshots_upsert,
)

__all__ = [
    "REFRESH_DAYS",
    "NightlyResult",
    "day_snapshot_of",
    "ledger_entry_create",
    "nightly_run",
    "place_assignments_check",
    "scheme_snapshots_of",
    "schemes_import",
    "schemes_validate",
    "snapshots_store",
    "snapshots_upsert",
]
