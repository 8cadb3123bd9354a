"""Malformed import files: a message naming what is wrong, never a traceback.

Every import is all or nothing: nothing of a refused file is stored.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from elief.models import Site
from families.models import Child, Family
from planning.models import Booking, Group
from tests.factories import GroupFactory, SiteFactory

pytestmark = pytest.mark.django_db

SITE = {
    "site": "Elief",
    "licensed_places": 30,
    "opens": "07:30",
    "closes": "18:00",
    "groups": [{"name": "Vlinders", "capacity": 14, "regular_places": 8, "occasional_places": 6}],
}
PLAN_HEADER = (
    "site,group,family_ref,child_ref,first_name,last_name,birth_date,date,start,end,"
    "place_type,outcome,arrived,left,absence_code"
)
PLAN_ROW = (
    "Elief,Vlinders,F-1,F-1-1,Amal,Bouzid,2025-03-14,2026-12-10,08:00,16:00,occasional,planned,,,"
)
FAMILIES_HEADER = (
    "site,family_ref,guardian_first_name,guardian_last_name,phone,email,postcode,"
    "home_languages,referrer,consent_date,work_or_training,integration_course,job_seeking,"
    "single_parent,low_income,no_secondary_diploma,health_or_care,foster_child,"
    "sibling_in_care,criteria_date"
)
FAMILIES_ROW = "Elief,F-1,Sara,Bouzid,,,2060,Arabisch,,,no,no,no,yes,yes,no,no,no,no,2026-01-05"


def _run(command: str, tmp_path, content: bytes | str, suffix: str) -> str:
    path = tmp_path / f"file.{suffix}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = io.StringIO()
    call_command(command, str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _refused(command: str, tmp_path, content, suffix: str) -> str:
    with pytest.raises(CommandError) as refusal:
        _run(command, tmp_path, content, suffix)
    return str(refusal.value)


@pytest.fixture
def elief():
    site = SiteFactory(name="Elief")
    GroupFactory(site=site, name="Vlinders")
    return site


def test_a_number_where_a_time_belongs_names_the_field(tmp_path):
    message = _refused("import_site", tmp_path, json.dumps({**SITE, "opens": 730}), "json")
    assert "opens" in message
    assert not Site.objects.exists()


def test_a_nul_in_a_site_name_is_refused(tmp_path):
    data = {**SITE, "groups": [{**SITE["groups"][0], "name": "Vlin\x00ders"}]}
    message = _refused("import_site", tmp_path, json.dumps(data), "json")
    assert "groups[0].name" in message
    assert not Site.objects.exists() and not Group.objects.exists()


def test_json_nested_too_deep_is_refused(tmp_path):
    message = _refused("import_site", tmp_path, "[" * 100_000 + "]" * 100_000, "json")
    assert "nested" in message or "genest" in message
    assert not Site.objects.exists()


def test_a_json_file_with_a_byte_order_mark_is_accepted(tmp_path):
    _run("import_site", tmp_path, b"\xef\xbb\xbf" + json.dumps(SITE).encode(), "json")
    assert Site.objects.get().name == "Elief"


@pytest.mark.parametrize("command", ["import_plan", "import_families"])
def test_a_nul_byte_in_a_csv_names_the_line(tmp_path, elief, command):
    header, row = (
        (PLAN_HEADER, PLAN_ROW) if command == "import_plan" else (FAMILIES_HEADER, FAMILIES_ROW)
    )
    content = f"{header}\n{row}\n{row.replace('Bouzid', 'Bou\x00zid')}\n"
    message = _refused(command, tmp_path, content, "csv")
    assert "3" in message
    assert not Family.objects.exists() and not Booking.objects.exists()


def test_a_booking_out_of_the_range_is_refused(tmp_path, elief):
    row = PLAN_ROW.replace("2026-12-10", "9999-12-31")
    message = _refused("import_plan", tmp_path, f"{PLAN_HEADER}\n{row}\n", "csv")
    assert "2" in message and "date" in message
    assert not Booking.objects.exists()


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1999-12-31", "2099-01-01"])
def test_an_implausible_birth_date_is_refused(tmp_path, elief, birth_date):
    row = PLAN_ROW.replace("2025-03-14", birth_date)
    message = _refused("import_plan", tmp_path, f"{PLAN_HEADER}\n{row}\n", "csv")
    assert "birth_date" in message
    assert not Child.objects.exists()
