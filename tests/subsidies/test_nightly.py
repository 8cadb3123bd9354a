"""The nightly figures: stored once per group and day, caught up after a missed night, and
in agreement with the `report` command, which reads the bookings."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from celery.backends.base import DisabledBackend
from django.core.management import call_command
from django.db import OperationalError

from elief.models import ClosingDay
from planning.models import AbsenceCode
from subsidies import exports, selectors, services, tasks
from subsidies.models import DaySnapshot, SchemeDaySnapshot
from tests.factories import (
    BookingFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeFactory,
    SchemeRateFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 12)  # a Thursday


@pytest.fixture
def groups(site):
    vlinders = GroupFactory(
        site=site, name="Vlinders", capacity=14, regular_places=8, occasional_places=6
    )
    egeltjes = GroupFactory(
        site=site, name="Egeltjes", capacity=12, regular_places=6, occasional_places=6
    )
    trap3 = SchemeFactory(site=site, name="Trap 3", category="trap3")
    SchemeRateFactory(scheme=trap3, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("30.50"))
    SchemeRateFactory(scheme=trap3, valid_from=dt.date(2026, 3, 16), rate_eur=Decimal("32.00"))
    trap2b = SchemeFactory(site=site, name="Trap 2B", category="trap2b")
    SchemeRateFactory(scheme=trap2b, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("25.00"))
    for group in (vlinders, egeltjes):
        PlaceAssignmentFactory(scheme=trap3, group=group, place_type="occasional", places=6)
        PlaceAssignmentFactory(scheme=trap2b, group=group, place_type="regular", places=6)
    return vlinders, egeltjes


@pytest.fixture
def bookings(site, groups):
    """A fortnight of mixed outcomes in both groups."""
    vlinders, egeltjes = groups
    code = AbsenceCode.objects.create(site=site, code="andere", label="Andere")
    outcomes = ["present", "present", "no_show", "excused", "present", "planned"]
    for offset in range(14):
        day = dt.date(2026, 3, 9) + dt.timedelta(days=offset)
        for index, outcome in enumerate(outcomes[: 2 + offset % 5]):
            BookingFactory(
                group=(vlinders, egeltjes)[index % 2],
                date=day,
                place_type=("regular", "occasional", "urgent")[index % 3],
                outcome=outcome,
                absence_code=code if outcome == "excused" else None,
                end=dt.time(12) if index == 4 else dt.time(16, 30),
            )


def _rows() -> list[tuple]:
    return sorted(
        list(DaySnapshot.objects.values_list()) + list(SchemeDaySnapshot.objects.values_list()),
        key=repr,
    )


def test_nightly_stores_one_row_per_group_and_day_and_twice_changes_nothing(site, bookings):
    call_command("nightly", "--date", DAY.isoformat(), stdout=io.StringIO())
    assert DaySnapshot.objects.filter(date=DAY).count() == 2
    assert SchemeDaySnapshot.objects.filter(date=DAY).count() == 4  # 2 schemes × 2 groups
    first = _rows()
    call_command("nightly", "--date", DAY.isoformat(), stdout=io.StringIO())
    assert _rows() == first  # same ids, same values


def test_a_weekend_day_stores_nothing(site, bookings):
    call_command("nightly", "--date", "2026-03-14", stdout=io.StringIO())
    assert not DaySnapshot.objects.exists()


def test_a_missed_night_is_caught_up(site, bookings):
    services.nightly_run(day=dt.date(2026, 3, 2))
    result = services.nightly_run(today=dt.date(2026, 3, 20))  # nights of 3–19 March missed
    stored = sorted(set(DaySnapshot.objects.values_list("date", flat=True)))
    assert stored == site.open_days(dt.date(2026, 3, 2), dt.date(2026, 3, 19))
    assert result.rows == 2 * len(site.open_days(dt.date(2026, 3, 3), dt.date(2026, 3, 19)))
    # The next night adds the one day since, and recomputes the last week unchanged.
    before = _rows()
    services.nightly_run(today=dt.date(2026, 3, 21))
    assert set(_rows()) - set(before) == set(
        (*row,) for row in DaySnapshot.objects.filter(date="2026-03-20").values_list()
    ) | set((*row,) for row in SchemeDaySnapshot.objects.filter(date="2026-03-20").values_list())


def test_the_first_night_fills_the_last_week(site, bookings):
    services.nightly_run(today=dt.date(2026, 3, 20))
    stored = sorted(set(DaySnapshot.objects.values_list("date", flat=True)))
    assert stored == site.open_days(dt.date(2026, 3, 12), dt.date(2026, 3, 19))


def test_a_day_that_became_a_closing_day_loses_its_row(site, bookings):
    services.nightly_run(day=DAY)
    ClosingDay.objects.create(site=site, date=DAY, reason="Stakingsdag")
    services.nightly_run(day=DAY)
    assert not DaySnapshot.objects.filter(date=DAY).exists()
    assert not SchemeDaySnapshot.objects.filter(date=DAY).exists()


def test_late_attendance_reaches_the_stored_figures(site, groups):
    booking = BookingFactory(group=groups[0], date=DAY, place_type="occasional")
    services.nightly_run(day=DAY)
    assert DaySnapshot.objects.get(group=groups[0], date=DAY).prestaties == 0
    booking.outcome, booking.arrived, booking.left = "present", dt.time(8), dt.time(16)
    booking.save()
    services.nightly_run(today=DAY + dt.timedelta(days=2))
    assert DaySnapshot.objects.get(group=groups[0], date=DAY).prestaties == 1


def _report_rows(start: dt.date, end: dt.date) -> list[dict]:
    out = io.StringIO()
    call_command("report", "--site", "Elief", "--from", str(start), "--to", str(end), stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_snapshots_agree_with_the_report(site, groups, bookings):
    start, end = dt.date(2026, 3, 9), dt.date(2026, 3, 22)
    ClosingDay.objects.create(site=site, date=dt.date(2026, 3, 13))
    for day in site.open_days(start, end):
        services.nightly_run(day=day)
    stored = {
        (s.date.isoformat(), s.group.name): s for s in DaySnapshot.objects.select_related("group")
    }
    rows = _report_rows(start, end)
    assert len(rows) == len(stored) == 2 * 9
    for row in rows:
        snapshot = stored[(row["date"], row["group"])]
        assert row["booked"] == str(snapshot.booked)
        assert row["present"] == str(snapshot.present)
        assert row["prestaties"] == exports.two(snapshot.prestaties)
        assert row["occasional_places"] == str(snapshot.occasional_places)
        assert row["occasional_prestaties"] == exports.two(snapshot.occasional_prestaties)
        assert row["no_show_days"] == exports.two(snapshot.no_show_days)
        assert row["excused_days"] == exports.two(snapshot.excused_days)
        assert row["vacancy_days"] == exports.two(snapshot.vacancy_days)
        assert row["subsidy_lost_eur"] == exports.two(snapshot.lost_eur)
    # The month's summary from the snapshots is the one the command computes.
    month = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    for day in site.open_days(*month):
        services.nightly_run(day=day)
    from_bookings = selectors.monthly_summary(site=site, start=month[0], end=month[1])
    from_snapshots = selectors.snapshot_summary(site=site, start=month[0], end=month[1])
    assert exports.summary_rows(from_snapshots) == exports.summary_rows(from_bookings)
    # The scheme rows add up to the day rows.
    assert sum(s.lost_eur for s in SchemeDaySnapshot.objects.all()) == sum(
        s.lost_eur for s in DaySnapshot.objects.all()
    )


def test_the_task_retries_a_database_failure(site, groups, monkeypatch):
    calls = []
    real = services.nightly_run

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("the database restarted")
        return real(**kwargs)

    monkeypatch.setattr(services, "nightly_run", flaky)
    # Run in the test, not through a broker: no result is stored.
    monkeypatch.setattr(tasks.nightly, "_backend", DisabledBackend(tasks.nightly.app))
    result = tasks.nightly.apply(args=[DAY.isoformat()])
    assert result.successful()
    assert result.result["rows"] == 2
    assert len(calls) == 2


def test_beat_runs_the_nightly_tasks_at_the_nightly_hour(settings):
    from planning import tasks as planning_tasks

    entries = settings.CELERY_BEAT_SCHEDULE
    assert entries["subsidies-nightly"]["task"] == tasks.nightly.name
    assert (
        entries["planning-regular-bookings"]["task"] == planning_tasks.regular_bookings_extend.name
    )
    nightly = {name: entry for name, entry in entries.items() if name != "parents-reminders"}
    for entry in nightly.values():
        assert entry["schedule"].hour == {settings.NIGHTLY_HOUR}
    # The parents' reminder goes out the evening before, not at night.
    assert entries["parents-reminders"]["schedule"].hour == {settings.PARENT_REMINDER_HOUR}
