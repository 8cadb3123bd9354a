"""The whole chain through the files of DESIGN.md only: import_site (with schemes),
import_plan, nightly, then `report` and its summary."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from subsidies.models import DaySnapshot

pytestmark = pytest.mark.django_db

SITE = {
    "site": "Elief",
    "licensed_places": 30,
    "opens": "07:30",
    "closes": "18:00",
    "closing_days": ["2026-12-25"],
    "groups": [
        {
            "name": "Vlinders",
            "capacity": 14,
            "regular_places": 8,
            "occasional_places": 6,
            "urgent_reserve": 1,
        }
    ],
    "schemes": [
        {
            "name": "Trap 3",
            "kind": "per_place_day",
            "group": "Vlinders",
            "place_type": "occasional",
            "places": 6,
            "rate_eur": 30.50,
            "valid_from": "2026-01-01",
        },
        {
            "name": "Trap 3",
            "kind": "per_place_day",
            "group": "Vlinders",
            "place_type": "occasional",
            "places": 6,
            "rate_eur": 32.00,
            "valid_from": "2026-12-23",
        },
    ],
}
HEADER = (
    "site,group,family_ref,child_ref,first_name,last_name,birth_date,date,start,end,"
    "place_type,outcome,arrived,left,absence_code"
)
PLAN = [
    # Tuesday 22 December, at € 30.50: 3 occasional places filled (one urgent), one no-show,
    # one sick occasional child (excused, does not count).
    "Elief,Vlinders,F1,F1-1,Amal,Bouzid,2025-03-14,2026-12-22,08:00,16:00,occasional,present,08:05,15:55,",
    "Elief,Vlinders,F2,F2-1,Noah,Maes,2024-06-02,2026-12-22,08:00,16:00,occasional,present,08:00,12:00,",
    "Elief,Vlinders,F3,F3-1,Lina,Aerts,2024-09-01,2026-12-22,08:00,16:00,urgent,present,09:00,17:00,",
    "Elief,Vlinders,F4,F4-1,Sami,Peeters,2025-01-20,2026-12-22,08:00,16:00,occasional,no_show,,,",
    "Elief,Vlinders,F5,F5-1,Mila,Claes,2024-11-11,2026-12-22,08:00,12:00,occasional,excused,,,ziek",
    # Wednesday 23 December, at € 32: one child.
    "Elief,Vlinders,F1,F1-1,Amal,Bouzid,2025-03-14,2026-12-23,08:00,16:00,occasional,present,08:00,16:00,",
    # Friday 25 December is Christmas: no row, whatever is booked.
]


@pytest.fixture
def imported(tmp_path):
    site_file = tmp_path / "site.json"
    site_file.write_text(json.dumps(SITE), encoding="utf-8")
    call_command("import_site", str(site_file), stdout=io.StringIO())
    plan_file = tmp_path / "plan.csv"
    plan_file.write_text("\n".join([HEADER, *PLAN]) + "\n", encoding="utf-8")
    call_command("import_plan", str(plan_file), stdout=io.StringIO())


def _csv(*args) -> list[dict]:
    out = io.StringIO()
    call_command("report", "--site", "Elief", *args, "--format", "csv", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_report_of_imported_files(imported):
    rows = _csv("--from", "2026-12-22", "--to", "2026-12-25")
    assert [row["date"] for row in rows] == ["2026-12-22", "2026-12-23", "2026-12-24"]
    tuesday, wednesday, thursday = rows
    # Occasional: 1 + 0.5 + 1 = 2.5 of 6 places: shortfall 3.5 = 1 no-show + 0.5 excused
    # + 2 vacancy; 3.5 × € 30.50 = € 106.75. No regular scheme: nothing lost there.
    assert {k: tuesday[k] for k in list(tuesday)[3:]} == {
        "capacity": "14",
        "booked": "5",
        "present": "3",
        "prestaties": "2.50",
        "occupancy_pct": "17.86",
        "occasional_places": "6",
        "occasional_prestaties": "2.50",
        "no_show_days": "1.00",
        "excused_days": "0.50",
        "vacancy_days": "2.00",
        "subsidy_lost_eur": "106.75",
    }
    assert wednesday["subsidy_lost_eur"] == "160.00"  # 5 × € 32, the new rate
    assert thursday["subsidy_lost_eur"] == "192.00"


def test_nightly_and_summary_agree(imported):
    for day in ("2026-12-22", "2026-12-23"):
        call_command("nightly", "--date", day, stdout=io.StringIO())
    stored = DaySnapshot.objects.get(date="2026-12-22")
    assert (stored.prestaties, stored.lost_eur) == (2.5, 106.75)
    out = io.StringIO()
    call_command(
        "report",
        "--site",
        "Elief",
        "--month",
        "2026-12",
        "--summary",
        "--format",
        "csv",
        stdout=out,
    )
    summary = dict(csv.reader(io.StringIO(out.getvalue())))
    assert summary["metric"] == "value"
    assert summary["children"] == "3"  # Amal (twice), Noah, Lina; Sami and Mila did not come
    assert summary["open_days"] == "22"  # 23 weekdays in December 2026, minus Christmas
    assert summary["prestaties"] == "3.50"
