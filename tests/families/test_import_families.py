"""`manage.py import_families`: the Families CSV of DESIGN.md."""

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from elief.models import Organisation
from families.importing import COLUMNS, FamiliesImportResult, families_import
from families.models import CriteriaRecord, Family, Guardian
from tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "site,family_ref,guardian_first_name,guardian_last_name,phone,email,postcode,"
    "home_languages,referrer,consent_date,work_or_training,integration_course,job_seeking,"
    "single_parent,low_income,no_secondary_diploma,health_or_care,foster_child,"
    "sibling_in_care,criteria_date"
)
CRITERIA = [
    "work_or_training",
    "integration_course",
    "job_seeking",
    "single_parent",
    "low_income",
    "no_secondary_diploma",
    "health_or_care",
    "foster_child",
    "sibling_in_care",
]
# Single parent with a low income: two characteristics, one of them a disadvantage.
SAMIRA = {
    "site": "Elief",
    "family_ref": "F-001",
    "guardian_first_name": "Samira",
    "guardian_last_name": "Bouzid",
    "phone": "0470 12 34 56",
    "email": "samira.bouzid@example.be",
    "postcode": "2060",
    "home_languages": "Arabic ;Dutch",
    "referrer": "OCMW Antwerpen",
    "consent_date": "2026-01-12",
    **dict.fromkeys(CRITERIA, "no"),
    "single_parent": "yes",
    "low_income": "yes",
    "criteria_date": "2026-01-10",
}
# A working single parent: two characteristics, but no disadvantage among them.
LIES = {
    **SAMIRA,
    "family_ref": "F-002",
    "guardian_first_name": "Lies",
    "guardian_last_name": "Van Dyck",
    "phone": "0485 98 76 54",
    "email": "lies@example.be",
    "postcode": "2018",
    "home_languages": "Dutch",
    "referrer": "",
    "consent_date": "",
    "low_income": "no",
    "work_or_training": "yes",
}
YUSUF = {
    **SAMIRA,
    "family_ref": "F-003",
    "guardian_first_name": "Yusuf",
    "guardian_last_name": "Demir",
    "email": "",
    "home_languages": "Turkish",
}


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English; the interface's default language is Dutch.
    with translation.override("en"):
        yield


@pytest.fixture
def site():
    OrganisationFactory(name="OCMW Antwerpen")
    return SiteFactory(name="Elief")


def _csv(*rows: dict, header: str = HEADER) -> str:
    columns = header.split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def _command(tmp_path, content: str | bytes, *options: str) -> str:
    path = tmp_path / "families.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    out = StringIO()
    call_command("import_families", str(path), *options, stdout=out)
    return out.getvalue()


def _snapshot() -> list:
    models = [*apps.get_app_config("families").get_models(), apps.get_model("elief.Organisation")]
    return [list(model.objects.order_by("pk").values()) for model in models]


def _errors(text: str) -> list[str]:
    with pytest.raises(ValidationError) as error:
        families_import(rows=text)
    return error.value.messages


def test_the_columns_are_those_of_the_design():
    assert ",".join(COLUMNS) == HEADER


def test_it_creates_families_with_their_guardian_and_criteria(site):
    result = families_import(rows=_csv(SAMIRA, LIES))

    assert result == FamiliesImportResult(created=2, updated=0, unchanged=0)
    samira = Family.objects.get(site=site, reference="F-001")
    assert (samira.postcode, samira.referrer.name, samira.consent_date) == (
        "2060",
        "OCMW Antwerpen",
        dt.date(2026, 1, 12),
    )
    assert (samira.single_parent, samira.low_income, samira.work_or_training) == (
        True,
        True,
        False,
    )
    assert samira.criteria_date == dt.date(2026, 1, 10)
    assert samira.vulnerable is True
    guardian = samira.guardians.get()
    assert (guardian.first_name, guardian.last_name, guardian.phone, guardian.email) == (
        "Samira",
        "Bouzid",
        "0470 12 34 56",
        "samira.bouzid@example.be",
    )
    assert guardian.languages == ["Arabic", "Dutch"]

    lies = Family.objects.get(reference="F-002")
    assert (lies.single_parent, lies.work_or_training, lies.referrer, lies.consent_date) == (
        True,
        True,
        None,
        None,
    )
    assert lies.vulnerable is False


def test_a_new_family_gets_its_first_criteria_record(site):
    families_import(rows=_csv(SAMIRA, LIES))

    record = CriteriaRecord.objects.get(family__reference="F-001")
    assert record.values == {
        **dict.fromkeys(CRITERIA, False),
        "single_parent": True,
        "low_income": True,
    }
    assert (record.criteria_date, record.vulnerable, record.recorded_by) == (
        dt.date(2026, 1, 10),
        True,
        None,
    )
    assert CriteriaRecord.objects.get(family__reference="F-002").vulnerable is False


def test_importing_the_same_file_twice_changes_nothing(site):
    families_import(rows=_csv(SAMIRA, LIES, YUSUF))
    before = _snapshot()

    result = families_import(rows=_csv(SAMIRA, LIES, YUSUF))

    assert result == FamiliesImportResult(created=0, updated=0, unchanged=3)
    assert _snapshot() == before


def test_changed_criteria_add_exactly_one_record(site):
    families_import(rows=_csv(SAMIRA, LIES))
    samira = Family.objects.get(reference="F-001")
    found_work = {**SAMIRA, "low_income": "no", "work_or_training": "yes"}
    found_work["criteria_date"] = "2026-03-02"

    result = families_import(rows=_csv(found_work, LIES))

    assert result == FamiliesImportResult(created=0, updated=1, unchanged=1)
    samira.refresh_from_db()
    assert (samira.low_income, samira.work_or_training, samira.vulnerable) == (False, True, False)
    records = samira.criteria_records.all()
    assert len(records) == 2
    assert records[0].values["low_income"] is False
    assert (records[0].criteria_date, records[0].vulnerable) == (dt.date(2026, 3, 2), False)
    assert CriteriaRecord.objects.filter(family__reference="F-002").count() == 1


def test_a_new_phone_number_updates_the_guardian_and_keeps_the_criteria_history(site):
    families_import(rows=_csv(SAMIRA))
    guardian = Guardian.objects.get()

    result = families_import(rows=_csv({**SAMIRA, "phone": "0499 11 22 33"}))

    assert result == FamiliesImportResult(created=0, updated=1, unchanged=0)
    assert Guardian.objects.get().pk == guardian.pk
    assert Guardian.objects.get().phone == "0499 11 22 33"
    assert CriteriaRecord.objects.count() == 1


def test_it_updates_the_first_guardian_and_leaves_the_others(site):
    families_import(rows=_csv(SAMIRA))
    family = Family.objects.get()
    second = Guardian.objects.create(family=family, first_name="Karim", last_name="Bouzid")

    families_import(rows=_csv({**SAMIRA, "guardian_first_name": "Samira Amal"}))

    first, other = family.guardians.order_by("pk")
    assert first.first_name == "Samira Amal"
    assert (other.pk, other.first_name) == (second.pk, "Karim")


def test_an_empty_referrer_clears_the_referrer(site):
    families_import(rows=_csv(SAMIRA))

    families_import(rows=_csv({**SAMIRA, "referrer": "", "consent_date": ""}))

    family = Family.objects.get()
    assert (family.referrer, family.consent_date) == (None, None)


def test_the_same_reference_at_two_sites_is_two_families(site):
    SiteFactory(name="Elief Kiel")

    families_import(rows=_csv(SAMIRA, {**SAMIRA, "site": "Elief Kiel"}))

    assert sorted(Family.objects.values_list("site__name", "reference")) == [
        ("Elief", "F-001"),
        ("Elief Kiel", "F-001"),
    ]


def test_it_takes_rows_as_mappings_too(site):
    rows = csv.DictReader(io.StringIO(_csv(SAMIRA, LIES)))

    assert families_import(rows=rows) == FamiliesImportResult(created=2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"postcode": "20600"}, "line 4, postcode: A Belgian postcode has four digits."),
        ({"postcode": "B-2060"}, "line 4, postcode: A Belgian postcode has four digits."),
        ({"low_income": "maybe"}, "line 4, low_income: Use yes or no, not 'maybe'."),
        ({"foster_child": ""}, "line 4, foster_child: Use yes or no, not ''."),
        (
            {"consent_date": "12/01/2026"},
            "line 4, consent_date: '12/01/2026' is no date of the form YYYY-MM-DD.",
        ),
        (
            {"criteria_date": "2026-02-30"},
            "line 4, criteria_date: '2026-02-30' is no date of the form YYYY-MM-DD.",
        ),
        ({"site": "Nergens"}, "line 4, site: There is no site named 'Nergens'."),
        ({"site": ""}, "line 4, site: A site is required."),
        (
            {"referrer": "Onbekende vzw"},
            "line 4, referrer: There is no partner organisation named 'Onbekende vzw': add it "
            "in the administration, or import again with --create-organisations.",
        ),
        ({"email": "yusuf(at)example.be"}, "line 4, email: Enter a valid email address."),
        ({"guardian_first_name": ""}, "line 4, guardian_first_name: This field cannot be blank."),
        ({"family_ref": ""}, "line 4, family_ref: This field cannot be blank."),
        (
            {"family_ref": "F-001"},
            "line 4, family_ref: 'F-001' appears twice for site Elief (first on line 2).",
        ),
    ],
)
def test_a_bad_last_row_is_reported_and_nothing_is_imported(site, tmp_path, change, message):
    text = _csv(SAMIRA, LIES, {**YUSUF, **change})

    assert _errors(text) == [message]
    assert _snapshot()[0] == []
    with pytest.raises(CommandError) as error:
        _command(tmp_path, text)
    assert f"families.csv was not imported:\n  {message}" in str(error.value)
    assert Family.objects.count() == Guardian.objects.count() == 0


def test_a_bad_file_leaves_the_families_already_there_untouched(site):
    families_import(rows=_csv(SAMIRA, LIES))
    before = _snapshot()
    changed = {**SAMIRA, "low_income": "no", "phone": "0499 11 22 33"}

    errors = _errors(_csv(changed, LIES, {**YUSUF, "postcode": "Antwerpen"}))

    assert errors == ["line 4, postcode: A Belgian postcode has four digits."]
    assert _snapshot() == before


def test_it_reports_every_problem_of_every_row_in_order(site):
    text = _csv(
        {**SAMIRA, "postcode": "206", "job_seeking": "ja"},
        LIES,
        {**YUSUF, "consent_date": "gisteren", "referrer": "Atlas"},
    )

    assert _errors(text) == [
        "line 2, postcode: A Belgian postcode has four digits.",
        "line 2, job_seeking: Use yes or no, not 'ja'.",
        "line 4, referrer: There is no partner organisation named 'Atlas': add it in the "
        "administration, or import again with --create-organisations.",
        "line 4, consent_date: 'gisteren' is no date of the form YYYY-MM-DD.",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace(",foster_child", ""), "line 1: missing columns: foster_child"),
        (HEADER + ",remarks", "line 1: unknown columns: remarks"),
        (
            HEADER.replace("guardian_first_name", "first_name"),
            "line 1: missing columns: guardian_first_name",
        ),
        (HEADER + ",postcode", "line 1: columns named twice: postcode"),
        (HEADER + ",", 'line 1: unknown columns: ""'),
        (
            HEADER.replace(",", ";"),
            "line 1: the values are separated by ';'; the format uses commas.",
        ),
    ],
)
def test_a_wrong_header_is_reported_by_column(site, header, message):
    assert message in _errors(_csv(SAMIRA, header=header))
    assert Family.objects.count() == 0


def test_a_header_with_extra_and_missing_columns_names_both(site):
    header = HEADER.replace(",phone", ",telefoon")

    assert _errors(_csv(SAMIRA, header=header)) == [
        "line 1: missing columns: phone",
        "line 1: unknown columns: telefoon",
    ]


def test_a_row_with_too_few_values_is_reported(site):
    text = _csv(SAMIRA, LIES) + "Elief,F-003,Yusuf\n"

    assert _errors(text) == ["line 4: the row has 3 values, the header 20 columns."]


def test_blank_rows_are_skipped_and_lines_keep_their_numbers(site):
    lines = _csv(SAMIRA, {**LIES, "postcode": "x"}).splitlines()
    text = "\n".join([lines[0], lines[1], "", "," * 19, lines[2]]) + "\n"

    assert _errors(text) == ["line 5, postcode: A Belgian postcode has four digits."]


def test_a_row_is_numbered_by_the_line_it_starts_on(site):
    # A quoted value may hold a line break; the next row starts a line further.
    text = _csv({**SAMIRA, "guardian_last_name": "Bouzid\nEl Idrissi"}, {**LIES, "postcode": "x"})

    assert _errors(text) == ["line 4, postcode: A Belgian postcode has four digits."]


def test_an_empty_file_is_reported(site):
    assert _errors("") == ["The file is empty: it has no header row."]


def test_an_erased_family_is_not_imported_again(site):
    families_import(rows=_csv(SAMIRA))
    Family.objects.update(erased_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))

    assert _errors(_csv(SAMIRA)) == [
        "line 2, family_ref: The family 'F-001' was erased; it is not imported again."
    ]


def test_the_command_prints_a_summary(site, tmp_path):
    assert _command(tmp_path, _csv(SAMIRA, LIES)).strip() == (
        "2 families created, 0 updated, 0 unchanged"
    )
    changed = {**LIES, "email": "lies.vandyck@example.be"}
    assert _command(tmp_path, _csv(SAMIRA, changed, YUSUF)).strip() == (
        "1 family created, 1 updated, 1 unchanged"
    )


def test_the_command_accepts_a_byte_order_mark(site, tmp_path):
    output = _command(tmp_path, _csv(SAMIRA).encode("utf-8-sig"))

    assert "1 family created" in output
    assert Family.objects.get().reference == "F-001"


def test_the_command_reports_a_file_that_is_not_utf8(site, tmp_path):
    text = _csv(SAMIRA, {**LIES, "guardian_last_name": "Hélène"})

    with pytest.raises(CommandError, match=r"line 3 is not UTF-8 text .*CSV UTF-8"):
        _command(tmp_path, text.encode("latin-1"))
    assert Family.objects.count() == 0


def test_the_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_families", str(tmp_path / "missing.csv"))


def test_an_unknown_referrer_refuses_the_file_and_creates_nothing(site, tmp_path):
    text = _csv(SAMIRA, {**LIES, "referrer": "Kind en Gezin"})

    with pytest.raises(CommandError) as error:
        _command(tmp_path, text)

    assert "add it in the administration, or import again with --create-organisations" in str(
        error.value
    )
    assert not Organisation.objects.filter(name="Kind en Gezin").exists()
    assert Family.objects.count() == 0


def test_the_command_creates_unknown_organisations_on_request_and_lists_them(site, tmp_path):
    text = _csv(
        {**SAMIRA, "referrer": "Kind en Gezin"},
        {**LIES, "referrer": "Kind en Gezin"},
        {**YUSUF, "referrer": "CAW Antwerpen"},
    )

    output = _command(tmp_path, text, "--create-organisations")

    assert output.splitlines() == [
        "Partner organisation created: CAW Antwerpen",
        "Partner organisation created: Kind en Gezin",
        "3 families created, 0 updated, 0 unchanged",
    ]
    referrers = dict(Family.objects.values_list("reference", "referrer__name"))
    assert referrers == {
        "F-001": "Kind en Gezin",
        "F-002": "Kind en Gezin",
        "F-003": "CAW Antwerpen",
    }
    assert Organisation.objects.filter(name="Kind en Gezin").count() == 1


def test_a_created_organisation_becomes_the_referrer_of_a_family_already_there(site):
    families_import(rows=_csv(LIES))

    result = families_import(
        rows=_csv({**LIES, "referrer": "Huis van het Kind"}), create_organisations=True
    )

    assert (result.updated, result.organisations_created) == (1, ["Huis van het Kind"])
    assert Family.objects.get().referrer.name == "Huis van het Kind"


def test_creating_organisations_keeps_existing_ones_and_a_second_run_changes_nothing(site):
    text = _csv(SAMIRA, {**LIES, "referrer": "Atlas"})
    families_import(rows=text, create_organisations=True)
    before = _snapshot()

    result = families_import(rows=text, create_organisations=True)

    assert (result.unchanged, result.organisations_created) == (2, [])
    assert _snapshot() == before
    assert Organisation.objects.filter(name="OCMW Antwerpen").count() == 1


def test_a_bad_file_creates_no_organisation_even_on_request(site):
    text = _csv({**SAMIRA, "referrer": "Atlas"}, {**LIES, "postcode": "x"})

    with pytest.raises(ValidationError):
        families_import(rows=text, create_organisations=True)

    assert not Organisation.objects.filter(name="Atlas").exists()


def test_an_organisation_name_too_long_is_reported_by_column(site):
    name = "x" * 101

    with pytest.raises(ValidationError) as error:
        families_import(rows=_csv({**SAMIRA, "referrer": name}), create_organisations=True)

    assert error.value.messages == [
        "line 2, referrer: Ensure this value has at most 100 characters (it has 101)."
    ]
