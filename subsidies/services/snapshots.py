"""The nightly snapshots: each group's figures of an open day, computed from the bookings
and stored once per group and day for the board's pages (DESIGN.md, "Reports")."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from elief.models import Site
from planning import rules as planning_rules
from planning import selectors as planning_selectors
from planning.models import Booking, Group
from subsidies import rules, selectors
from subsidies.models import (
    SITE_MONTH_FIGURES,
    DaySnapshot,
    SchemeDaySnapshot,
    SiteMonthSnapshot,
)

# Attendance recorded a few days late (a forgotten check-out, an absence code added on
# Monday) still reaches the stored figures: every night recomputes the last week too.
REFRESH_DAYS = 7


def day_snapshot_values(
    figures: selectors.GroupDay, *, unsettled_bookings: int = 0
) -> dict[str, object]:
    """A DaySnapshot's values by attribute name, without building the model: the nightly
    stores hundreds of thousands of rows in a catch-up and needs only their values."""
    loss = figures.loss
    causes = loss.lost_by_cause()
    regular = loss.place_types[rules.REGULAR]
    occasional = loss.place_types[rules.OCCASIONAL]
    return {
        "group_id": figures.group.pk,
        "date": figures.date,
        "capacity": figures.capacity,
        "booked": figures.booked,
        "present": figures.present,
        "planned_prestaties": figures.planned_prestaties,
        "prestaties": figures.prestaties,
        "regular_places": regular.places,
        "regular_prestaties": regular.prestaties,
        "occasional_places": occasional.places,
        "occasional_prestaties": occasional.prestaties,
        "gap_no_show": figures.gap_no_show,
        "gap_excused": figures.gap_excused,
        "gap_unrecorded": figures.gap_unrecorded,
        "no_show_days": loss.no_show_days,
        "excused_days": loss.excused_days,
        "vacancy_days": loss.vacancy_days,
        "expected_eur": loss.expected_eur,
        "lost_eur": loss.lost_eur,
        "no_show_eur": causes[rules.NO_SHOW],
        "excused_eur": causes[rules.EXCUSED],
        "vacancy_eur": causes[rules.VACANCY],
        "unsettled_bookings": unsettled_bookings,
    }


def day_snapshot_of(figures: selectors.GroupDay) -> DaySnapshot:
    values = day_snapshot_values(figures)
    del values["group_id"]
    return DaySnapshot(group=figures.group, **values)


def scheme_snapshot_values(
    *, group_id: int, day: dt.date, loss: rules.DayLoss
) -> list[dict[str, object]]:
    """The SchemeDaySnapshot values of a day's loss by attribute name (see
    day_snapshot_values)."""
    return [
        {
            "scheme_id": scheme.scheme.scheme_id,
            "group_id": group_id,
            "date": day,
            "places": scheme.scheme.places,
            "rate_eur": scheme.scheme.rate_eur,
            "prestaties": scheme.prestaties,
            "expected_eur": scheme.expected_eur,
            "lost_eur": scheme.lost_eur,
            "no_show_eur": scheme.no_show_eur,
            "excused_eur": scheme.excused_eur,
            "vacancy_eur": scheme.vacancy_eur,
        }
        for scheme in loss.schemes
    ]


def scheme_snapshots_of(
    *, group: Group, day: dt.date, loss: rules.DayLoss
) -> list[SchemeDaySnapshot]:
    return [
        SchemeDaySnapshot(**values)
        for values in scheme_snapshot_values(group_id=group.pk, day=day, loss=loss)
    ]


def snapshots_upsert(
    *, days: list[DaySnapshot], schemes: list[SchemeDaySnapshot], batch_size: int = 1000
) -> None:
    """Insert the rows, or overwrite the stored ones of the same group and day."""
    _upsert(DaySnapshot, _values(days), unique=("group", "date"), batch_size=batch_size)
    _upsert(
        SchemeDaySnapshot,
        _values(schemes),
        unique=("scheme", "group", "date"),
        batch_size=batch_size,
    )


def _values(rows: list[models.Model]) -> list[dict[str, object]]:
    return [
        {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}
        for row in rows
    ]


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def _upsert(
    model: type[models.Model],
    rows: list[dict[str, object]],
    *,
    unique: tuple[str, ...],
    batch_size: int,
) -> None:
    """INSERT … ON CONFLICT DO UPDATE of `rows` (values by attribute name, every concrete
    field but the key).

    bulk_create(update_conflicts=True) does the same, but prepares every value through
    its field and compiles its statement through the ORM: for a year of snapshots that
    was most of the night's work. The values here are the fields' own Python values, which
    the database drivers take as they are, but for dates and decimals (the backend's
    adapters: SQLite stores both as text).

    On PostgreSQL a batch goes as one statement of one array per column (unnest): a
    statement per row costs the server a round of planning each, and a statement of a
    thousand VALUES rows costs the driver more to parse than the rows are worth.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    keys = {model._meta.get_field(name).column for name in unique}
    postgres = connection.vendor == "postgresql"
    if postgres:
        source = "SELECT * FROM unnest({})".format(
            ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        )
    else:
        source = "VALUES ({})".format(", ".join(["%s"] * len(fields)))
    sql = "INSERT INTO {} ({}) {} ON CONFLICT ({}) DO UPDATE SET {}".format(
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        source,
        ", ".join(ops.quote_name(f.column) for f in fields if f.column in keys),
        ", ".join(
            f"{ops.quote_name(f.column)} = EXCLUDED.{ops.quote_name(f.column)}"
            for f in fields
            if f.column not in keys
        ),
    )
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        if postgres:
            for batch in itertools.batched(rows, batch_size):
                cursor.execute(sql, [[row[name] for row in batch] for name in attnames])
            return
        adapt = [_adapter(f) for f in fields]
        for batch in itertools.batched(rows, batch_size):
            cursor.executemany(
                sql,
                [
                    tuple(
                        row[name] if to_db is None else to_db(row[name])
                        for name, to_db in zip(attnames, adapt, strict=True)
                    )
                    for row in batch
                ],
            )


@transaction.atomic
def snapshots_store(*, site: Site, start: dt.date, end: dt.date) -> int:
    """Compute the figures of every group and open day from start to end and store them,
    one row per group and day: computing them again overwrites, never duplicates. Rows of
    the range that no longer belong (a day that became a closing day, a scheme no longer
    assigned) are removed. Returns the number of day rows stored."""
    if end < start:
        return 0
    figures = selectors.group_days(site=site, start=start, end=end)
    unsettled = unsettled_bookings_by_group_day(site=site, start=start, end=end)
    days = [
        day_snapshot_values(f, unsettled_bookings=unsettled.get((f.group.pk, f.date), 0))
        for f in figures
    ]
    schemes = [
        row
        for f in figures
        for row in scheme_snapshot_values(group_id=f.group.pk, day=f.date, loss=f.loss)
    ]
    _upsert(DaySnapshot, days, unique=("group", "date"), batch_size=1000)
    _upsert(SchemeDaySnapshot, schemes, unique=("scheme", "group", "date"), batch_size=1000)

    wanted_days = {(row["group_id"], row["date"]) for row in days}
    stale = [
        pk
        for pk, group_id, date in DaySnapshot.objects.filter(
            group__site=site, date__range=(start, end)
        ).values_list("pk", "group_id", "date")
        if (group_id, date) not in wanted_days
    ]
    wanted_schemes = {(row["scheme_id"], row["group_id"], row["date"]) for row in schemes}
    stale_schemes = [
        pk
        for pk, scheme_id, group_id, date in SchemeDaySnapshot.objects.filter(
            group__site=site, date__range=(start, end)
        ).values_list("pk", "scheme_id", "group_id", "date")
        if (scheme_id, group_id, date) not in wanted_schemes
    ]
    if stale:
        DaySnapshot.objects.filter(pk__in=stale).delete()
    if stale_schemes:
        SchemeDaySnapshot.objects.filter(pk__in=stale_schemes).delete()
    month_snapshots_store(site=site, start=start, end=end)
    return len(days)


def month_snapshots_store(*, site: Site, start: dt.date, end: dt.date) -> None:
    """Count again the children and the absences of every month from start to end
    (SiteMonthSnapshot): through the month's last day, or yesterday while the month is
    running. Three queries and one write."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    throughs = {}
    month = start.replace(day=1)
    while month <= end:
        month_end = rules.month_bounds(month)[1]
        throughs[month] = min(month_end, max(end, yesterday))
        month = month_end + dt.timedelta(days=1)
    counted = selectors.children_counted(site=site, throughs=list(throughs.values()))
    absences = selectors.absences_counted(site=site, throughs=list(throughs.values()))
    rows = [
        SiteMonthSnapshot(
            site=site, month=month, through=through, **counts, **absence_values(figures)
        )
        for (month, through), counts, figures in zip(
            throughs.items(), counted, absences, strict=True
        )
    ]
    SiteMonthSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["site", "month"],
        update_fields=SITE_MONTH_FIGURES,
    )


def absence_values(figures: rules.AbsenceFigures) -> dict[str, int]:
    """A month snapshot's absence fields from the figures."""
    return {
        "absences_in_time": figures.in_time,
        "absences_in_time_by_parent": figures.in_time_by_parent,
        "absences_late": figures.late,
        "no_shows": figures.no_shows,
        "places_refilled": figures.refilled,
    }


def unsettled_bookings_by_group_day(
    *, site: Site, start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], int]:
    rows = (
        Booking.objects.filter(group__site=site, date__range=(start, end))
        .filter(Q(outcome=planning_rules.PLANNED) | Q(outcome=planning_rules.PRESENT, left=None))
        .values("group_id", "date")
        .annotate(count=Count("pk"))
    )
    return {(row["group_id"], row["date"]): row["count"] for row in rows}


@dataclass
class NightlyResult:
    rows: int = 0
    sites: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "sites": self.sites}


def nightly_run(*, day: dt.date | None = None, today: dt.date | None = None) -> NightlyResult:
    """The nightly work: the figures of the previous day for every site.

    Without `day`, every day missing since the last stored one is filled too (a night the
    worker was down is caught up), and the last REFRESH_DAYS are recomputed; with `day`,
    only that day. Running it twice changes nothing.
    """
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    last_stored = dict(
        DaySnapshot.objects.values("group__site")
        .annotate(last=Max("date"))
        .values_list("group__site", "last")
    )
    result = NightlyResult()
    for site in Site.objects.order_by("pk"):
        if day is not None:
            start = end = day
        else:
            end = yesterday
            start = yesterday - dt.timedelta(days=REFRESH_DAYS)
            last = last_stored.get(site.pk)
            if last is not None and last < start:
                start = last + dt.timedelta(days=1)
        rows = snapshots_store(site=site, start=start, end=end)
        result.rows += rows
        result.sites.append(
            {
                "site": site.name,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "rows": rows,
                # Every day up to the last one computed that nobody settled yet.
                "unsettled_days": len(planning_selectors.unsettled_days(site=site, until=end)),
            }
        )
    return result
