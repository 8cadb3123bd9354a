"""`manage.py report`: occupancy and subsidy loss from the bookings, against hand-worked days.

The site: group Vlinders, capacity 14, 8 regular places under Trap 2B (€ 25 a place-day)
and 6 occasional places under Trap 3 (€ 30.50, € 32 from Monday 16 March 2026). Friday
13 March is a closing day. A full day is 08:30–16:30 (8 h, fraction 1); 08:30–12:00
(3.5 h) is half a day.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from elief.models import ClosingDay
from planning.models import AbsenceCode
from subsidies.exports import REPORT_COLUMNS
from tests.factories import (
    BookingFactory,
    FamilyFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 3, 12)
CLOSED_FRIDAY = dt.date(2026, 3, 13)
MONDAY = dt.date(2026, 3, 16)  # Trap 3's new rate starts
TUESDAY = dt.date(2026, 3, 17)
HALF = {"end": dt.time(12, 0)}


@pytest.fixture
def site():
    site = SiteFactory(name="Elief")
    ClosingDay.objects.create(site=site, date=CLOSED_FRIDAY, reason="Studiedag")
    return site


@pytest.fixture
def codes(site):
    return {
        "ziek": AbsenceCode.objects.create(
            site=site, code="ziek", label="Ziek", counts_for_regular=True
        ),
        "andere": AbsenceCode.objects.create(
            site=site, code="andere", label="Andere", counts_for_regular=False
        ),
    }


@pytest.fixture
def vlinders(site):
    group = GroupFactory(
        site=site,
        name="Vlinders",
        capacity=14,
        regular_places=8,
        occasional_places=6,
        urgent_reserve=1,
    )
    trap3 = SchemeFactory(site=site, name="Trap 3", category="trap3")
    SchemeRateFactory(scheme=trap3, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("30.50"))
    SchemeRateFactory(scheme=trap3, valid_from=MONDAY, rate_eur=Decimal("32.00"))
    PlaceAssignmentFactory(scheme=trap3, group=group, place_type="occasional", places=6)
    trap2b = SchemeFactory(site=site, name="Trap 2B", category="trap2b")
    SchemeRateFactory(scheme=trap2b, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("25.00"))
    PlaceAssignmentFactory(scheme=trap2b, group=group, place_type="regular", places=8)
    return group


@pytest.fixture
def egeltjes(site):
    return GroupFactory(
        site=site,
        name="Egeltjes",
        capacity=12,
        regular_places=12,
        occasional_places=0,
        urgent_reserve=0,
    )


def _book(group, day, place_type, outcome, times=None, **extra):
    return BookingFactory(
        group=group, date=day, place_type=place_type, outcome=outcome, **(times or {}), **extra
    )


@pytest.fixture
def thursday(vlinders, codes):
    """Regular: 5 full days, a half day, one sick (counts), one absent for another reason
    (does not count), one no-show. Occasional: 2 full days, an urgent child, a sick
    occasional child (never counts), a half-day no-show, a cancelled booking."""
    for _ in range(5):
        _book(vlinders, THURSDAY, "regular", "present")
    _book(vlinders, THURSDAY, "regular", "present", HALF)
    _book(vlinders, THURSDAY, "regular", "excused", absence_code=codes["ziek"])
    _book(vlinders, THURSDAY, "regular", "excused", absence_code=codes["andere"])
    _book(vlinders, THURSDAY, "regular", "no_show")
    for _ in range(2):
        _book(vlinders, THURSDAY, "occasional", "present")
    _book(vlinders, THURSDAY, "urgent", "present")
    _book(vlinders, THURSDAY, "occasional", "excused", absence_code=codes["ziek"])
    _book(vlinders, THURSDAY, "occasional", "no_show", HALF)
    _book(vlinders, THURSDAY, "occasional", "cancelled")


def _report(*args) -> list[dict]:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0] == ",".join(REPORT_COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def _rows(site_name="Elief", start=THURSDAY, end=TUESDAY) -> dict:
    rows = _report("--site", site_name, "--from", str(start), "--to", str(end), "--format", "csv")
    return {(row["date"], row["group"]): row for row in rows}


def test_the_columns_are_the_contract(site, vlinders):
    out = io.StringIO()
    call_command(
        "report", "--site", "Elief", "--from", "2026-03-12", "--to", "2026-03-12", stdout=out
    )
    assert out.getvalue().splitlines()[0] == (
        "date,site,group,capacity,booked,present,prestaties,occupancy_pct,occasional_places,"
        "occasional_prestaties,no_show_days,excused_days,vacancy_days,subsidy_lost_eur"
    )


def test_no_show_excused_and_vacancy_split_on_a_thursday(site, thursday, vlinders):
    row = _rows(end=THURSDAY)[("2026-03-12", "Vlinders")]
    # Regular: prestaties 5 + 0.5 + 1 (sick counts) = 6.5 of 8 places: shortfall 1.5 =
    #   no-show min(1.5, 1) = 1, excused min(0.5, 1 for "andere") = 0.5, vacancy 0; € 37.50.
    # Occasional: 2 + 1 urgent = 3 of 6: shortfall 3 = no-show 0.5 (half day), excused 1
    #   (a sick occasional child does not count), vacancy 1.5; 3 × € 30.50 = € 91.50.
    assert row == {
        "date": "2026-03-12",
        "site": "Elief",
        "group": "Vlinders",
        "capacity": "14",
        "booked": "14",  # the cancelled booking is not booked
        "present": "9",
        "prestaties": "9.50",
        "occupancy_pct": "67.86",  # 100 × 9.5 / 14 = 67.857…
        "occasional_places": "6",
        "occasional_prestaties": "3.00",
        "no_show_days": "1.50",
        "excused_days": "1.50",
        "vacancy_days": "1.50",
        "subsidy_lost_eur": "129.00",
    }


def test_a_closing_day_has_no_row_and_the_rate_changes_mid_month(site, thursday, vlinders):
    # Even a booking on the closing day does not make it an open day.
    _book(vlinders, CLOSED_FRIDAY, "occasional", "present")
    # Monday: six occasional and urgent children fill Trap 3 and one more comes (7 > 6
    # places: nothing lost); no regular child: 8 regular places empty, 8 × € 25 = € 200.
    for _ in range(4):
        _book(vlinders, MONDAY, "occasional", "present")
    for _ in range(2):
        _book(vlinders, MONDAY, "urgent", "present")
    _book(vlinders, MONDAY, "occasional", "present")
    rows = _rows()
    assert sorted({date for date, _ in rows}) == ["2026-03-12", "2026-03-16", "2026-03-17"]
    monday = rows[("2026-03-16", "Vlinders")]
    assert (monday["prestaties"], monday["occupancy_pct"], monday["occasional_prestaties"]) == (
        "7.00",
        "50.00",
        "7.00",
    )
    assert (monday["vacancy_days"], monday["subsidy_lost_eur"]) == ("8.00", "200.00")
    # Tuesday: nobody booked: 6 × € 32 (the new rate) + 8 × € 25 = € 392.
    tuesday = rows[("2026-03-17", "Vlinders")]
    assert (tuesday["booked"], tuesday["prestaties"], tuesday["vacancy_days"]) == (
        "0",
        "0.00",
        "14.00",
    )
    assert tuesday["subsidy_lost_eur"] == "392.00"


def test_urgent_bookings_fill_the_occasional_places(site, vlinders):
    for _ in range(3):
        _book(vlinders, TUESDAY, "urgent", "present")
    _book(vlinders, TUESDAY, "urgent", "no_show")
    row = _rows(start=TUESDAY)[("2026-03-17", "Vlinders")]
    # Occasional places: 3 urgent children of 6: shortfall 3 = 1 no-show + 2 vacancy.
    assert (row["occasional_prestaties"], row["no_show_days"], row["vacancy_days"]) == (
        "3.00",
        "1.00",
        "10.00",  # 2 occasional + 8 regular
    )
    assert row["subsidy_lost_eur"] == "296.00"  # 3 × € 32 + 8 × € 25


def test_a_group_without_schemes_loses_nothing(site, vlinders, egeltjes):
    _book(egeltjes, TUESDAY, "regular", "present", HALF)
    row = _rows(start=TUESDAY)[("2026-03-17", "Egeltjes")]
    assert row == {
        **row,
        "capacity": "12",
        "booked": "1",
        "present": "1",
        "prestaties": "0.50",
        "occupancy_pct": "4.17",
        "occasional_places": "0",
        "occasional_prestaties": "0.00",
        "no_show_days": "0.00",
        "excused_days": "0.00",
        "vacancy_days": "0.00",
        "subsidy_lost_eur": "0.00",
    }


def test_rows_come_per_open_day_then_group_name(site, vlinders, egeltjes):
    rows = _report("--site", "Elief", "--from", "2026-03-12", "--to", "2026-03-17")
    assert [(row["date"], row["group"]) for row in rows] == [
        ("2026-03-12", "Egeltjes"),
        ("2026-03-12", "Vlinders"),
        ("2026-03-16", "Egeltjes"),
        ("2026-03-16", "Vlinders"),
        ("2026-03-17", "Egeltjes"),
        ("2026-03-17", "Vlinders"),
    ]


def test_it_reads_only_its_own_site(site, vlinders):
    other = SiteFactory(name="Elief Noord")
    other_group = GroupFactory(site=other, name="Vlinders")
    _book(other_group, TUESDAY, "occasional", "present")
    row = _rows(start=TUESDAY)[("2026-03-17", "Vlinders")]
    assert row["booked"] == "0"


def _summary(month: str) -> dict:
    out = io.StringIO()
    call_command(
        "report", "--site", "Elief", "--month", month, "--summary", "--format", "csv", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "metric,value"
    return dict(row for row in csv.reader(lines[1:]))


def test_the_monthly_summary(site, thursday, vlinders):
    vulnerable = FamilyFactory(site=site, low_income=True, single_parent=True)
    assert vulnerable.vulnerable
    child = BookingFactory(
        group=vlinders,
        date=MONDAY,
        place_type="occasional",
        outcome="present",
        child__family=vulnerable,
    ).child
    BookingFactory(
        group=vlinders, date=TUESDAY, place_type="occasional", outcome="present", child=child
    )
    summary = _summary("2026-03")
    # March 2026: 22 weekdays, minus the closing day: 21 open days of one group of 14.
    # Prestaties: Thursday 9.5, Monday and Tuesday 1 each. Children present: 5 + 1 + 2 + 1
    # on Thursday and the vulnerable child on two days: 10, of whom 1 vulnerable.
    lost = (
        Decimal("129.00")  # Thursday
        + 20 * (8 * 25)  # regular places empty on the 20 other open days
        + 8 * 6 * Decimal("30.50")  # occasional places empty on 2–11 March
        + (12 * 6 - 2) * 32  # from 16 March: 12 open days, 2 occasional place-days filled
    )
    assert lost == Decimal("7833.00")
    assert list(summary) == [
        "open_days",
        "capacity_days",
        "prestaties",
        "occupancy_pct",
        "children",
        "vulnerable_children",
        "vulnerable_pct",
        "no_show_days",
        "excused_days",
        "vacancy_days",
        "subsidy_lost_eur",
        "referrals_received",
        "referrals_started",
        "median_days_to_start",
    ]
    assert summary == {
        "open_days": "21",
        "capacity_days": "294",
        "prestaties": "11.50",
        "occupancy_pct": "3.91",  # 100 × 11.5 / 294
        "children": "10",
        "vulnerable_children": "1",
        "vulnerable_pct": "10.00",
        "no_show_days": "1.50",
        "excused_days": "1.50",
        "vacancy_days": "279.50",  # 294 place-days − 11.5 filled − 1.5 no-show − 1.5 excused
        "subsidy_lost_eur": "7833.00",
        "referrals_received": summary["referrals_received"],
        "referrals_started": summary["referrals_started"],
        "median_days_to_start": summary["median_days_to_start"],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "Nergens", "--month", "2026-03"], "No site"),
        (["--site", "Elief", "--month", "maart"], "no month"),
        (["--site", "Elief", "--from", "2026-03-01"], "Give --month"),
        (["--site", "Elief", "--from", "2026-03-10", "--to", "2026-03-01"], "before"),
        (["--site", "Elief", "--month", "2026-03", "--from", "2026-03-01"], "either"),
    ],
)
def test_it_refuses_bad_arguments(site, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=io.StringIO())
