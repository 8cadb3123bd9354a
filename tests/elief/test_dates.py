"""Dates from query parameters, forms and files: one reader, one plausible range."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.utils import translation

from elief import dates

TODAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-03-02", dt.date(2026, 3, 2)), (" 2100-12-31 ", dt.date(2100, 12, 31)),
     ("2000-01-01", dt.date(2000, 1, 1))],
)  # fmt: skip
def test_a_day_in_the_range_is_read(value, expected):
    assert dates.parse_day(value, TODAY) == expected


@pytest.mark.parametrize(
    "value", ["2026-02-30", "0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01",
              "20260302", "2026-W10-1", "x" * 10_000, "a\x00b", "-1"],
)  # fmt: skip
def test_anything_else_falls_back_to_the_default(value):
    assert dates.parse_day(value, TODAY) == TODAY
    with pytest.raises(ValidationError):
        dates.to_day(value)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_value_is_the_default(value):
    assert dates.parse_day(value, TODAY) == TODAY


def test_weeks_and_months():
    assert dates.parse_week("2026-W05", TODAY) == dt.date(2026, 1, 26)
    assert dates.parse_month("2026-12", TODAY) == dt.date(2026, 12, 1)
    for value in ("9999-W52", "2026-W77", "1999-W10", "2026-12"):
        assert dates.parse_week(value, TODAY) == TODAY
    for value in ("9999-12", "0000-00", "2026-13", "2101-01", "2026-12-01"):
        assert dates.parse_month(value, TODAY) == TODAY


@pytest.mark.parametrize(
    ("birth", "plausible"),
    [(TODAY, True), (dt.date(2019, 3, 2), True), (dt.date(2019, 2, 27), False),
     (TODAY + dt.timedelta(days=1), False), (dt.date(1, 1, 1), False)],
)  # fmt: skip
def test_a_childs_birth_date_lies_in_the_last_seven_years(birth, plausible):
    assert (dates.birth_date_problem(birth, today=TODAY) is None) == plausible


def test_a_form_field_holds_the_range_and_the_picker_knows_it():
    field = dates.DateField()
    with pytest.raises(ValidationError):
        field.clean("9999-12-31")
    with pytest.raises(ValidationError):
        field.clean(730)  # a JSON number where a date belongs
    assert field.clean("2026-03-02") == dt.date(2026, 3, 2)
    attrs = dates.DateField(widget=dates.forms.DateInput(attrs={"type": "date"})).widget.attrs
    assert (attrs["min"], attrs["max"]) == ("2000-01-01", "2100-12-31")


def test_a_wrong_month_says_which_month_the_page_shows_instead(rf):
    request = rf.get("/")
    request._messages = CookieStorage(request)
    with translation.override("nl"):
        assert dates.parse_month("2026-13", TODAY, request) == TODAY
        assert dates.parse_day("2026-02-30", TODAY, request) == TODAY
        shown = [str(message) for message in get_messages(request)]
    assert shown[0].endswith("De pagina toont maart 2026.")
    assert shown[1].endswith("De pagina toont 2 maart 2026.")
