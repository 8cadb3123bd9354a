"""`manage.py import_plan`: the Plan and attendance CSV of DESIGN.md."""

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from elief.models import ClosingDay
from families import services as family_services
from families.models import Child, Family
from planning import services
from planning.importing import COLUMNS, PlanImportResult, plan_import
from planning.models import AbsenceCode, Booking, BookingChange
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "site,group,family_ref,child_ref,first_name,last_name,birth_date,date,start,end,"
    "place_type,outcome,arrived,left,absence_code"
)
AMAL = {
    "site": "Elief",
    "group": "Vlinders",
    "family_ref": "F-001",
    "child_ref": "F-001-1",
    "first_name": "Amal",
    "last_name": "Bouzid",
    "birth_date": "2025-03-14",
    "date": "2026-12-10",  # a Thursday
    "start": "08:00",
    "end": "16:00",
    "place_type": "occasional",
    "outcome": "planned",
}
# Amal's brother, in the same family.
ADAM = {**AMAL, "child_ref": "F-001-2", "first_name": "Adam", "birth_date": "2024-06-02"}
NOAH = {
    **AMAL,
    "family_ref": "F-002",
    "child_ref": "F-002-1",
    "first_name": "Noah",
    "last_name": "Maes",
    "place_type": "regular",
    "start": "07:30",
    "end": "17:00",
}


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English; the interface's default language is Dutch.
    with translation.override("en"):
        yield


@pytest.fixture
def group(site):
    return GroupFactory(
        site=site, name="Vlinders", capacity=2, regular_places=0, occasional_places=2
    )


def _csv(*rows: dict, header: str = HEADER) -> str:
    columns = header.split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def _command(tmp_path, content: str | bytes) -> str:
    path = tmp_path / "plan.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    out = StringIO()
    call_command("import_plan", str(path), stdout=out)
    return out.getvalue()


def _snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values())
        for model in (Family, Child, Booking, BookingChange, AbsenceCode)
    ]


def _errors(text: str) -> list[str]:
    with pytest.raises(ValidationError) as error:
        plan_import(text=text)
    return error.value.messages


def test_the_columns_are_those_of_the_design():
    assert ",".join(COLUMNS) == HEADER


def test_it_creates_the_family_the_child_and_the_booking(group):
    result = plan_import(text=_csv(AMAL))

    assert result == PlanImportResult(created=1, families_created=1, children_created=1)
    family = Family.objects.get()
    assert (family.site, family.reference, family.vulnerable) == (group.site, "F-001", False)
    child = Child.objects.get()
    assert (child.family, child.reference, child.first_name, child.last_name) == (
        family,
        "F-001-1",
        "Amal",
        "Bouzid",
    )
    assert child.birth_date == dt.date(2025, 3, 14)
    booking = Booking.objects.get()
    assert (booking.child, booking.group, booking.date) == (child, group, dt.date(2026, 12, 10))
    assert (booking.start, booking.end) == (dt.time(8), dt.time(16))
    assert (booking.place_type, booking.outcome, booking.version) == ("occasional", "planned", 1)
    assert (booking.arrived, booking.left, booking.absence_code) == (None, None, None)
    # A new booking is the row itself: no change to record.
    assert not BookingChange.objects.exists()
    # The defaults absence codes exist from the first import on.
    assert set(AbsenceCode.objects.values_list("code", flat=True)) == {
        "respijtdag",
        "ziek",
        "andere",
    }


def test_it_imports_a_history_of_every_outcome(group):
    days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"]
    rows = [
        {**AMAL, "date": days[0], "outcome": "present", "arrived": "08:10", "left": "15:45"},
        {**AMAL, "date": days[1], "outcome": "excused", "absence_code": "ziek"},
        {**AMAL, "date": days[2], "outcome": "no_show"},
        {**AMAL, "date": days[3], "outcome": "cancelled"},
        # Still there: no departure yet.
        {**AMAL, "date": days[4], "outcome": "present", "arrived": "07:55"},
    ]

    assert plan_import(text=_csv(*rows)) == PlanImportResult(
        created=5, families_created=1, children_created=1
    )

    bookings = {b.date.isoformat(): b for b in Booking.objects.select_related("absence_code")}
    present = bookings[days[0]]
    assert (present.outcome, present.arrived, present.left) == (
        "present",
        dt.time(8, 10),
        dt.time(15, 45),
    )
    assert (bookings[days[1]].outcome, bookings[days[1]].absence_code.code) == ("excused", "ziek")
    assert bookings[days[2]].outcome == "no_show"
    assert bookings[days[3]].outcome == "cancelled"
    assert (bookings[days[4]].arrived, bookings[days[4]].left) == (dt.time(7, 55), None)


def test_importing_the_same_file_twice_changes_nothing(group):
    rows = [
        AMAL,
        ADAM,
        {**NOAH, "date": "2026-11-05", "outcome": "present", "arrived": "07:40", "left": "16:50"},
        {**NOAH, "date": "2026-11-06", "outcome": "excused", "absence_code": "respijtdag"},
        {**NOAH, "date": "2026-11-09", "outcome": "cancelled"},
        NOAH,
    ]
    plan_import(text=_csv(*rows))
    before = _snapshot()

    result = plan_import(text=_csv(*rows))

    assert result == PlanImportResult(unchanged=6)
    assert _snapshot() == before


def test_importing_a_changed_file_twice_changes_once(group):
    rows = [AMAL, ADAM, NOAH]
    plan_import(text=_csv(*rows))
    changed = [{**AMAL, "end": "12:00"}, ADAM, {**NOAH, "outcome": "cancelled"}]
    assert plan_import(text=_csv(*changed)) == PlanImportResult(updated=2, unchanged=1)
    before = _snapshot()

    result = plan_import(text=_csv(*changed))

    assert result == PlanImportResult(unchanged=3)
    assert _snapshot() == before
    assert BookingChange.objects.count() == 2
    assert Booking.objects.aggregate(Sum("version"))["version__sum"] == 5  # 2 + 1 + 2


def test_a_changed_row_updates_the_booking_and_records_the_change(group):
    plan_import(text=_csv(AMAL, NOAH))
    booking = Booking.objects.get(child__first_name="Amal")
    checked_in = {**AMAL, "outcome": "present", "arrived": "08:05", "left": "15:30"}

    result = plan_import(text=_csv(checked_in, NOAH))

    assert result == PlanImportResult(updated=1, unchanged=1)
    booking.refresh_from_db()
    assert (booking.outcome, booking.arrived, booking.left, booking.version) == (
        "present",
        dt.time(8, 5),
        dt.time(15, 30),
        2,
    )
    change = booking.changes.get()
    assert (change.action, change.user) == ("imported", None)
    assert (change.before["outcome"], change.before["arrived"]) == ("planned", None)
    assert (change.after["outcome"], change.after["arrived"], change.after["left"]) == (
        "present",
        "08:05",
        "15:30",
    )
    # Noah's booking is untouched: no new version, no change.
    noah = Booking.objects.get(child__first_name="Noah")
    assert (noah.version, noah.changes.count()) == (1, 0)


def test_it_books_beyond_capacity_without_the_acceptance_rule(group):
    # Capacity 2 and a reserve of 1: booking_create would refuse the second child already.
    text = _csv(AMAL, ADAM, NOAH)

    assert plan_import(text=text).created == 3
    assert Booking.objects.filter(group=group, date=dt.date(2026, 12, 10)).count() == 3
    assert not Booking.objects.exclude(override_reason="").exists()


def test_it_updates_the_live_booking_made_in_the_browser(group, site):
    family = FamilyFactory(site=site, reference="F-001")
    child = ChildFactory(
        family=family,
        reference="F-001-1",
        first_name="Amal",
        last_name="Bouzid",
        birth_date=dt.date(2025, 3, 1),
    )
    booking = services.booking_create(
        origin="manual",
        child=child,
        group=group,
        day=dt.date(2026, 12, 10),
        start=dt.time(9),
        end=dt.time(12),
        place_type="occasional",
        user=None,
        check_acceptance=False,
    )

    result = plan_import(text=_csv(AMAL))

    assert result == PlanImportResult(updated=1, children_updated=1)
    booking.refresh_from_db()
    assert (booking.start, booking.end, booking.version) == (dt.time(8), dt.time(16), 2)
    assert Booking.objects.count() == 1 and Family.objects.count() == 1
    child.refresh_from_db()
    assert child.birth_date == dt.date(2025, 3, 14)  # the factory's was another
    assert [c.action for c in booking.changes.order_by("pk")] == ["created", "imported"]


def test_a_cancelled_row_cancels_and_a_live_row_brings_the_booking_back(group):
    plan_import(text=_csv(AMAL))
    booking = Booking.objects.get()

    assert plan_import(text=_csv({**AMAL, "outcome": "cancelled"})).updated == 1
    assert plan_import(text=_csv({**AMAL, "outcome": "cancelled"})).unchanged == 1
    assert plan_import(text=_csv(AMAL)).updated == 1

    assert list(Booking.objects.values_list("pk", "outcome", "version")) == [
        (booking.pk, "planned", 3)
    ]


def test_a_cancelled_booking_next_to_the_live_one_is_left_alone(group):
    plan_import(text=_csv(AMAL))
    live = Booking.objects.get()
    # Cancelled later than the live booking was made, so the newer of the two.
    cancelled = Booking.objects.create(
        child=live.child,
        group=group,
        date=live.date,
        start=dt.time(13),
        end=dt.time(17),
        place_type="occasional",
        outcome="cancelled",
    )

    result = plan_import(text=_csv({**AMAL, "outcome": "present", "arrived": "08:00"}))

    assert result.updated == 1
    live.refresh_from_db()
    cancelled.refresh_from_db()
    assert (live.outcome, cancelled.outcome, cancelled.start) == (
        "present",
        "cancelled",
        dt.time(13),
    )


def test_new_names_of_a_child_update_the_child(group):
    plan_import(text=_csv(AMAL))

    result = plan_import(text=_csv({**AMAL, "first_name": "Amal Nour"}))

    assert result == PlanImportResult(unchanged=1, children_updated=1)
    assert Child.objects.get().first_name == "Amal Nour"


def test_an_existing_family_gets_its_new_child(group, site):
    FamilyFactory(site=site, reference="F-001", postcode="2140")

    result = plan_import(text=_csv(AMAL, ADAM))

    assert result == PlanImportResult(created=2, children_created=2)
    family = Family.objects.get()
    assert family.postcode == "2140"
    assert sorted(family.children.values_list("reference", flat=True)) == ["F-001-1", "F-001-2"]


def test_the_same_references_at_two_sites_are_two_children(group):
    GroupFactory(site=SiteFactory(name="Elief Kiel"), name="Vlinders")

    plan_import(text=_csv(AMAL, {**AMAL, "site": "Elief Kiel"}))

    assert sorted(Child.objects.values_list("family__site__name", "reference")) == [
        ("Elief", "F-001-1"),
        ("Elief Kiel", "F-001-1"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"site": "Nergens"}, "line 5, site: There is no site named 'Nergens'."),
        ({"site": ""}, "line 5, site: A site is required."),
        ({"group": "Olifanten"}, "line 5, group: Site Elief has no group named 'Olifanten'."),
        ({"family_ref": ""}, "line 5, family_ref: A family reference is required."),
        ({"child_ref": ""}, "line 5, child_ref: A child reference is required."),
        ({"first_name": ""}, "line 5, first_name: This field cannot be blank."),
        (
            {"birth_date": "14/03/2025"},
            "line 5, birth_date: '14/03/2025' is no date of the form YYYY-MM-DD.",
        ),
        ({"birth_date": "2099-01-01"}, "line 5, birth_date: The birth date lies in the future."),
        ({"date": "2026-02-30"}, "line 5, date: '2026-02-30' is no date of the form YYYY-MM-DD."),
        ({"date": ""}, "line 5, date: A date is required."),
        ({"date": "2026-12-12"}, "line 5, date: Site Elief is closed on 2026-12-12 (Saturday)."),
        ({"date": "2026-12-25"}, "line 5, date: Site Elief is closed on 2026-12-25 (Kerstmis)."),
        (
            {"date": "2026-12-21"},
            "line 5, date: Site Elief is closed on 2026-12-21 (Pedagogische studiedag).",
        ),
        (
            {"date": "2024-05-31"},
            "line 5, date: The child is born on 2024-06-02, after this day.",
        ),
        ({"start": "8u30"}, "line 5, start: '8u30' is no time of the form HH:MM."),
        ({"start": "24:00"}, "line 5, start: '24:00' is no time of the form HH:MM."),
        ({"end": ""}, "line 5, end: A time is required."),
        ({"end": "08:00"}, "line 5, end: The end must come after the start (08:00)."),
        ({"end": "07:00"}, "line 5, end: The end must come after the start (08:00)."),
        (
            {"place_type": "vast"},
            "line 5, place_type: Use one of regular, occasional, urgent, not 'vast'.",
        ),
        (
            {"outcome": "absent"},
            "line 5, outcome: Use one of planned, present, excused, no_show, cancelled, "
            "not 'absent'.",
        ),
        (
            {"arrived": "08:10"},
            "line 5, arrived: Only a present child has arrival and departure times, "
            "not a planned booking.",
        ),
        (
            {"outcome": "no_show", "left": "12:00"},
            "line 5, left: Only a present child has arrival and departure times, "
            "not a no_show booking.",
        ),
        ({"outcome": "present"}, "line 5, arrived: A time is required."),
        (
            {"outcome": "present", "arrived": "09:00", "left": "08:59"},
            "line 5, left: The departure must come after the arrival (09:00).",
        ),
        ({"outcome": "excused"}, "line 5, absence_code: An excused absence needs an absence code."),
        (
            {"outcome": "excused", "absence_code": "vakantie"},
            "line 5, absence_code: Site Elief has no absence code 'vakantie'; "
            "it has andere, respijtdag, ziek.",
        ),
        (
            {"outcome": "no_show", "absence_code": "ziek"},
            "line 5, absence_code: Only an excused absence has an absence code.",
        ),
        (
            {"child_ref": "F-001-1", "first_name": "Amal", "birth_date": "2025-03-14"},
            "line 5, date: The child 'F-001-1' of family 'F-001' is booked twice on 2026-12-10 "
            "(first on line 2).",
        ),
        (
            {**AMAL, "date": "2026-12-14", "last_name": "Bouzidi"},
            "line 5, last_name: 'Bouzidi' differs from line 2 for the same child.",
        ),
        ({"family_ref": "F" * 41}, "line 5, family_ref: Ensure this value has at most 40 "),
    ],
)
def test_a_bad_row_after_good_ones_is_reported_and_nothing_is_imported(
    group, site, tmp_path, change, message
):
    ClosingDay.objects.create(
        site=site, date=dt.date(2026, 12, 21), reason="Pedagogische studiedag"
    )
    # Three good rows, then the bad one on line 5.
    good = [AMAL, NOAH, {**AMAL, "date": "2026-12-11"}]
    text = _csv(*good, {**ADAM, **change})

    errors = _errors(text)

    assert len(errors) == 1 and errors[0].startswith(message)
    assert _snapshot() == [[], [], [], [], []]
    with pytest.raises(CommandError) as error:
        _command(tmp_path, text)
    assert f"plan.csv was not imported:\n  {message}" in str(error.value)
    assert _snapshot() == [[], [], [], [], []]


def test_a_bad_file_leaves_what_was_imported_before_untouched(group):
    plan_import(text=_csv(AMAL, NOAH))
    before = _snapshot()
    changed = {**AMAL, "outcome": "present", "arrived": "08:00"}

    errors = _errors(_csv(changed, ADAM, {**NOAH, "end": "07:00"}))

    assert errors == ["line 4, end: The end must come after the start (07:30)."]
    assert _snapshot() == before


def test_it_reports_every_problem_of_every_row_in_order(group):
    text = _csv(
        {**AMAL, "outcome": "present", "end": "7:00"},
        NOAH,
        {**ADAM, "absence_code": "ziek", "group": "Egeltjes", "date": "2026-12-13"},
    )

    assert _errors(text) == [
        "line 2, end: The end must come after the start (08:00).",
        "line 2, arrived: A time is required.",
        "line 4, group: Site Elief has no group named 'Egeltjes'.",
        "line 4, date: Site Elief is closed on 2026-12-13 (Sunday).",
        "line 4, absence_code: Only an excused absence has an absence code.",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace(",absence_code", ""), "line 1: missing columns: absence_code"),
        (HEADER + ",remarks", "line 1: unknown columns: remarks"),
        (HEADER.replace("family_ref", "family"), "line 1: missing columns: family_ref"),
        (HEADER + ",date", "line 1: columns named twice: date"),
        (
            HEADER.replace(",", ";"),
            "line 1: the values are separated by ';'; the format uses commas.",
        ),
    ],
)
def test_a_wrong_header_is_reported(group, header, message):
    assert message in _errors(_csv(AMAL, header=header))
    assert Booking.objects.count() == 0


def test_a_row_with_too_few_values_is_reported(group):
    text = _csv(AMAL, NOAH) + "Elief,Vlinders,F-003\n"

    assert _errors(text) == ["line 4: the row has 3 values, the header 15 columns."]


def test_blank_rows_are_skipped_and_lines_keep_their_numbers(group):
    lines = _csv(AMAL, {**NOAH, "end": "x"}).splitlines()
    text = "\n".join([lines[0], lines[1], "", "," * 14, lines[2]]) + "\n"

    assert _errors(text) == ["line 5, end: 'x' is no time of the form HH:MM."]


def test_an_empty_file_is_reported():
    assert _errors("") == ["The file is empty: it has no header row."]


def test_a_header_alone_imports_nothing():
    assert plan_import(text=HEADER + "\n") == PlanImportResult()


def test_the_command_accepts_a_byte_order_mark_and_prints_a_summary(group, tmp_path):
    data = _csv(AMAL, ADAM, NOAH).encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")

    output = _command(tmp_path, data)

    assert output.splitlines() == [
        "Bookings: 3 created, 0 updated, 0 unchanged",
        "Families: 2 created; children: 3 created, 0 updated",
    ]
    assert Booking.objects.count() == 3
    assert _command(tmp_path, data).strip() == "Bookings: 0 created, 0 updated, 3 unchanged"


def test_plan_import_takes_a_byte_order_mark_too(group):
    assert plan_import(text="\ufeff" + _csv(AMAL)).created == 1


def test_the_command_refuses_a_file_that_is_not_utf8(group, tmp_path):
    data = _csv({**AMAL, "first_name": "Zoë"}).encode("latin-1")

    with pytest.raises(CommandError, match="line 2 is not UTF-8 text"):
        _command(tmp_path, data)
    assert Booking.objects.count() == 0


def test_checking_a_file_takes_as_many_queries_for_many_rows_as_for_few(group):
    def queries(rows: list[dict]) -> int:
        plan_import(text=_csv(*rows))
        with CaptureQueriesContext(connection) as captured:
            assert plan_import(text=_csv(*rows)).unchanged == len(rows)
        return len(captured)

    days = [dt.date(2026, 11, 2) + dt.timedelta(days=offset) for offset in range(0, 40)]
    many = [
        {**child, "date": day.isoformat()}
        for child in (AMAL, ADAM, NOAH)
        for day in days
        if day.isoweekday() <= 5 and day != dt.date(2026, 11, 11)  # Wapenstilstand
    ]

    assert queries([AMAL]) == queries(many)


def test_imported_bookings_say_so_and_join_the_plan_covering_their_day(site, group):
    family = FamilyFactory(site=site, reference="F-001")
    child = ChildFactory(
        family=family,
        reference="F-001-1",
        first_name="Amal",
        last_name="Bouzid",
        birth_date=dt.date(2025, 3, 14),
    )
    plan = family_services.care_plan_create(
        child=child,
        kind="regular",
        start=dt.date(2026, 12, 1),
        end=None,
        pattern={4: (dt.time(8), dt.time(16))},
    )
    plan_import(text=_csv(AMAL, {**AMAL, "date": "2026-11-26"}))
    covered, before = (
        child.bookings.get(date=dt.date(2026, 12, 10)),
        child.bookings.get(date=dt.date(2026, 11, 26)),
    )
    assert (covered.origin, covered.care_plan) == ("import", plan)
    assert (before.origin, before.care_plan) == ("import", None)


def test_a_row_outside_the_opening_hours_is_refused(group):
    with pytest.raises(ValidationError) as error:
        plan_import(text=_csv({**AMAL, "start": "20:04", "end": "21:30"}))
    assert "line 2, start" in " ".join(error.value.messages)
    assert not Booking.objects.exists()
