"""`manage.py dayplan`: the Day plan CSV of DESIGN.md, against hand-worked figures."""

import csv
import datetime as dt
import io
import zoneinfo
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from elief.models import Role
from planning import selectors, services
from planning.importing import plan_import
from planning.models import Booking
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Europe/Brussels")
DAY = dt.date(2026, 12, 10)  # a Thursday
HEADER = "date,site,group,capacity,booked,expected,overflow_risk_pct,free,reserve_left"
# The reserve of DAY is released 2 days before, at 16:00 (the default settings).
BEFORE_RELEASE = "2026-12-01 10:00"
AT_RELEASE = "2026-12-08 16:00"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _group(site, name="Vlinders", *, capacity, reserve=1):
    return GroupFactory(
        site=site,
        name=name,
        capacity=capacity,
        regular_places=0,
        occasional_places=capacity,
        urgent_reserve=reserve,
    )


def _book(group, outcome="planned", place_type="occasional", **kwargs):
    child = ChildFactory(family=FamilyFactory(site=group.site))
    return Booking.objects.create(
        child=child,
        group=group,
        date=DAY,
        start=kwargs.pop("start", dt.time(8)),
        end=kwargs.pop("end", dt.time(16)),
        place_type=place_type,
        outcome=outcome,
        **kwargs,
    )


def _output(*args: str, day: dt.date = DAY, stderr=None) -> str:
    out = StringIO()
    call_command(
        "dayplan",
        "--site",
        "Elief",
        "--date",
        day.isoformat(),
        *args,
        "--format",
        "csv",
        stdout=out,
        stderr=stderr or StringIO(),
    )
    return out.getvalue()


def _rows(*args: str, **kwargs) -> list[list[str]]:
    lines = list(csv.reader(io.StringIO(_output(*args, **kwargs))))
    assert ",".join(lines[0]) == HEADER
    return lines[1:]


def test_an_ordinary_day_counts_live_bookings_only(site):
    vlinders = _group(site, capacity=3)
    _group(site, "Egeltjes", capacity=4)
    codes = {code.code: code for code in services.absence_codes_ensure(site=site)}
    # No history at the site: every child has the default p = 0.9.
    _book(vlinders)  # p 0.9
    _book(vlinders, "present", arrived=dt.time(8, 5))  # checked in: p 1
    _book(vlinders, "no_show")  # p 0, but still booked
    _book(vlinders, "excused", absence_code=codes["ziek"])  # not booked
    _book(vlinders, "cancelled")  # not booked
    # Another site's booking on the same day is not counted.
    _book(_group(SiteFactory(name="Elief Kiel"), capacity=3))

    rows = _rows("--as-of", BEFORE_RELEASE)

    # booked = 3 (planned, present, no-show); expected = 0.9 + 1 + 0 = 1.90;
    # at most 3 children for 3 places: risk 0.00; free = 3 − 3 = 0; reserve 1, no urgent: 1.
    # Egeltjes, first by name: nothing booked, 4 free, its reserve held.
    assert rows == [
        ["2026-12-10", "Elief", "Egeltjes", "4", "0", "0.00", "0.00", "4", "1"],
        ["2026-12-10", "Elief", "Vlinders", "3", "3", "1.90", "0.00", "0", "1"],
    ]


def test_an_overbooked_day(site):
    vlinders = _group(site, capacity=2)
    for _ in range(3):
        _book(vlinders)

    rows = _rows("--as-of", AT_RELEASE)

    # expected = 3 × 0.9 = 2.70; risk = P(X > 2) = P(all three come) = 0.9³ = 0.729 → 72.90;
    # free = 2 − 3 = −1; the reserve is released: 0.
    assert rows == [["2026-12-10", "Elief", "Vlinders", "2", "3", "2.70", "72.90", "-1", "0"]]


def test_the_reserve_is_left_until_its_release_moment(site):
    vlinders = _group(site, capacity=3)
    _book(vlinders)

    # Released 2 days before the day at 16:00 local time: 2026-12-08 16:00 in Brussels.
    before = _rows("--as-of", "2026-12-08 15:59")
    at = _rows("--as-of", "2026-12-08 16:00")
    after = _rows("--as-of", "2026-12-09 09:00")

    assert [row[-1] for row in before + at + after] == ["1", "0", "0"]
    # Everything else stays: 1 booked, 0.90 expected, 2 free.
    assert before[0][:-1] == at[0][:-1] == after[0][:-1]
    assert before[0][4:8] == ["1", "0.90", "0.00", "2"]


def test_the_release_moment_follows_the_sites_settings(site):
    site.settings.update(urgent_release_days=1, urgent_release_time=dt.time(12))
    _group(site, capacity=3)

    assert _rows("--as-of", "2026-12-09 11:59")[0][-1] == "1"
    assert _rows("--as-of", "2026-12-09 12:00")[0][-1] == "0"


def test_an_urgent_booking_uses_the_reserve(site):
    one = _group(site, "Egeltjes", capacity=3, reserve=1)
    two = _group(site, "Kikkers", capacity=3, reserve=2)
    cancelled = _group(site, "Vlinders", capacity=3, reserve=1)
    for group in (one, two):
        _book(group, place_type="urgent")
        _book(group)
    _book(cancelled, "cancelled", place_type="urgent")

    rows = _rows("--as-of", BEFORE_RELEASE)

    # Reserve minus the day's live urgent bookings, at least 0: 1 − 1 = 0, 2 − 1 = 1;
    # a cancelled urgent booking uses nothing: 1 − 0 = 1.
    assert [(row[2], row[4], row[-1]) for row in rows] == [
        ("Egeltjes", "2", "0"),
        ("Kikkers", "2", "1"),
        ("Vlinders", "0", "1"),
    ]


PLAN_HEADER = (
    "site,group,family_ref,child_ref,first_name,last_name,birth_date,date,start,end,"
    "place_type,outcome,arrived,left,absence_code"
)
# The ten Thursdays before DAY, within its 12 weeks (84 days: from 2026-09-17 on).
THURSDAYS = [DAY - dt.timedelta(weeks=week) for week in range(1, 11)]


def _plan_row(child: str, day: dt.date, outcome: str) -> str:
    family, first_name = {"A": ("F-001", "Amal"), "N": ("F-002", "Noah")}[child]
    arrived, left, code = "", "", ""
    if outcome == "present":
        arrived, left = "08:02", "15:58"
    elif outcome == "excused":
        code = "ziek"
    return (
        f"Elief,Vlinders,{family},{family}-1,{first_name},Test,2025-01-20,{day.isoformat()},"
        f"08:00,16:00,occasional,{outcome},{arrived},{left},{code}"
    )


def test_a_child_with_history_gets_its_own_show_probability(site, tmp_path):
    _group(site, capacity=1, reserve=0)
    amal = ["present"] * 7 + ["no_show", "no_show", "excused"]
    rows = [_plan_row("A", day, outcome) for day, outcome in zip(THURSDAYS, amal, strict=True)]
    rows += [_plan_row("N", day, "present") for day in THURSDAYS]
    # Neither counts: a cancelled booking, and a no-show 91 days before the day.
    rows.append(_plan_row("A", dt.date(2026, 9, 24), "cancelled"))
    rows.append(_plan_row("A", dt.date(2026, 9, 10), "no_show"))
    rows += [_plan_row("A", DAY, "planned"), _plan_row("N", DAY, "planned")]
    path = tmp_path / "plan.csv"
    path.write_text("\n".join([PLAN_HEADER, *rows]) + "\n", encoding="utf-8")
    call_command("import_plan", str(path), stdout=StringIO())

    result = _rows("--as-of", AT_RELEASE)

    # Site: 17 present of 20 settled bookings, r = 0.85.
    # Amal: n = 10, k = 7: p = (7 + 4 × 0.85) ÷ (10 + 4) = 10.4 ÷ 14 = 0.742857…
    # Noah: n = 10, k = 10: p = (10 + 3.4) ÷ 14 = 13.4 ÷ 14 = 0.957142…
    # expected = 23.8 ÷ 14 = 1.70; with 1 place, risk = P(both come)
    # = 10.4 × 13.4 ÷ 196 = 139.36 ÷ 196 = 0.711020… → 71.10; free = 1 − 2 = −1.
    assert result == [["2026-12-10", "Elief", "Vlinders", "1", "2", "1.70", "71.10", "-1", "0"]]


def test_the_figures_are_those_of_the_day_plan_page(site):
    vlinders = _group(site, capacity=2)
    _book(vlinders)
    _book(vlinders, start=dt.time(12), end=dt.time(17))
    _book(vlinders, "present", arrived=dt.time(7, 45), start=dt.time(7, 30), end=dt.time(13))
    coordinator = UserFactory(role=Role.COORDINATOR, sites=[site])
    now = dt.datetime(2026, 12, 1, 10, tzinfo=TZ)

    figures = selectors.day_plan(user=coordinator, site=site, day=DAY, now=now).groups[0]
    row = _rows("--as-of", "2026-12-01 10:00")[0]

    assert row[3:] == [
        str(figures.capacity),
        str(figures.booked),
        f"{figures.expected:.2f}",
        f"{figures.overflow_risk_pct:.2f}",
        str(figures.free),
        str(figures.reserve_left),
    ]
    # From 12:00 to 13:00 all three are there: P(X > 2) = 0.9 × 0.9 × 1 = 0.81.
    assert row[6] == "81.00"


def test_without_as_of_the_reserve_is_judged_now(site, monkeypatch):
    _group(site, capacity=3)

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 8, 14, 59, tzinfo=dt.UTC))
    before = _rows()  # 15:59 in Brussels
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC))
    after = _rows()  # 16:00 in Brussels

    assert (before[0][-1], after[0][-1]) == ("1", "0")


def test_a_closed_day_is_written_with_a_warning(site):
    _group(site, capacity=3)
    err = StringIO()

    rows = _rows("--as-of", BEFORE_RELEASE, day=dt.date(2026, 12, 25), stderr=err)

    assert rows == [["2026-12-25", "Elief", "Vlinders", "3", "0", "0.00", "0.00", "3", "1"]]
    assert "Site Elief is closed on 2026-12-25." in err.getvalue()


def test_the_output_is_plain_csv_with_a_header(site):
    _group(site, "Vlinders, klein", capacity=3)

    output = _output("--as-of", BEFORE_RELEASE)

    assert output == f'{HEADER}\n2026-12-10,Elief,"Vlinders, klein",3,0,0.00,0.00,3,1\n'


def test_it_uses_an_imported_plan_of_several_groups(site):
    _group(site, capacity=2)
    _group(site, "Egeltjes", capacity=2)
    text = "\n".join(
        [
            PLAN_HEADER,
            "Elief,Vlinders,F-1,F-1-1,Amal,B,2025-01-20,2026-12-10,08:00,16:00,occasional,planned,,,",
            "Elief,Vlinders,F-2,F-2-1,Noah,M,2025-01-20,2026-12-10,08:00,16:00,urgent,planned,,,",
            "Elief,Egeltjes,F-3,F-3-1,Lina,E,2025-01-20,2026-12-10,08:00,16:00,regular,"
            "excused,,,respijtdag",
        ]
    )
    plan_import(text=text)

    rows = _rows("--as-of", BEFORE_RELEASE)

    # Egeltjes: the excused child is not booked. Vlinders: 2 × 0.9, the urgent one uses the
    # reserve; P(X > 2) with two children is 0.
    assert rows == [
        ["2026-12-10", "Elief", "Egeltjes", "2", "0", "0.00", "0.00", "2", "1"],
        ["2026-12-10", "Elief", "Vlinders", "2", "2", "1.80", "0.00", "0", "0"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "Nergens", "--date", "2026-12-10"], "There is no site named 'Nergens'."),
        (
            ["--site", "Elief", "--date", "10/12/2026"],
            "--date: '10/12/2026' is no date of the form YYYY-MM-DD.",
        ),
        (
            ["--site", "Elief", "--date", "2026-12-32"],
            "--date: '2026-12-32' is no date of the form YYYY-MM-DD.",
        ),
        (
            ["--site", "Elief", "--date", "2026-12-10", "--as-of", "2026-12-08"],
            "--as-of: '2026-12-08' is no moment of the form \"YYYY-MM-DD HH:MM\".",
        ),
        (
            ["--site", "Elief", "--date", "2026-12-10", "--format", "json"],
            "Unknown format 'json': the day plan is written as csv only.",
        ),
    ],
)
def test_bad_arguments_are_refused_clearly(site, args, message):
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("dayplan", *args, stdout=out)
    assert str(error.value) == message
    assert out.getvalue() == ""
