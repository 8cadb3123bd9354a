"""Dates from the outside world: query parameters, form fields and import files.

Every date a user or a file gives is read here and held to one plausible range, so a
year 1 or 9999 never reaches the calendar arithmetic (9999-12-31 + 1 day overflows) nor
the database. A bad query parameter falls back to the page's default with a message; a
bad form field or import value is an error of that field.
"""

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# The dates the application plans, reports and stores: generous for a daycare founded
# this century, and far enough from the calendar's ends for any arithmetic on them.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)

DAY_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{1,2})$")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


def range_message() -> str:
    return _("Choose a date from %(earliest)s to %(latest)s.") % {
        "earliest": EARLIEST.strftime("%d-%m-%Y"),
        "latest": LATEST.strftime("%d-%m-%Y"),
    }


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def check_range(day: dt.date) -> dt.date:
    if not in_range(day):
        raise ValidationError(range_message(), code="date_range")
    return day


def to_day(value: str) -> dt.date:
    """A YYYY-MM-DD date within the range, or a ValidationError saying what is wrong."""
    value = value.strip()
    # fromisoformat alone would take 20260105 and 2026-W02-1 as well.
    if not DAY_PATTERN.match(value):
        raise ValidationError(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value[:40]}, code="invalid"
        )
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date that exists.") % {"value": value}, code="invalid"
        ) from None
    return check_range(day)


def to_week(value: str) -> dt.date:
    """The Monday of an ISO week given as 2026-W05, within the range."""
    match = WEEK_PATTERN.match(value.strip())
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a week (YYYY-Www).") % {"value": value[:40]}, code="invalid"
        )
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a week that exists.") % {"value": value}, code="invalid"
        ) from None
    return check_range(monday)


def to_month(value: str) -> dt.date:
    """The first day of a month given as 2026-12, within the range."""
    match = MONTH_PATTERN.match(value.strip())
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a month (YYYY-MM).") % {"value": value[:40]}, code="invalid"
        )
    try:
        first = dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a month that exists.") % {"value": value}, code="invalid"
        ) from None
    return check_range(first)


def _parse(convert, value: str | None, default: dt.date, request: HttpRequest | None, style: str):
    if value is None or not value.strip():
        return default
    try:
        return convert(value)
    except ValidationError as error:
        # A hand-edited or stale link: show the default page and say why, never fail.
        if request is not None:
            messages.warning(
                request,
                _("%(problem)s The page shows %(default)s instead.")
                % {"problem": error.messages[0], "default": formats.date_format(default, style)},
            )
        return default


def parse_day(value: str | None, default: dt.date, request: HttpRequest | None = None) -> dt.date:
    """A day of a query parameter (2026-03-02); `default` when absent or wrong, with a
    message on `request` saying what was wrong."""
    return _parse(to_day, value, default, request, "DATE_FORMAT")


def parse_week(value: str | None, default: dt.date, request: HttpRequest | None = None) -> dt.date:
    """The Monday of the week of a query parameter (2026-W05); like parse_day."""
    return _parse(to_week, value, default, request, "DATE_FORMAT")


def parse_month(value: str | None, default: dt.date, request: HttpRequest | None = None) -> dt.date:
    """The first day of the month of a query parameter (2026-12); like parse_day, the
    message naming the month rather than its first day."""
    return _parse(to_month, value, default, request, "YEAR_MONTH_FORMAT")


def validate_in_range(day: dt.date) -> None:
    check_range(day)


# A child in a daycare is under three; seven years leaves room for a late record or a
# sibling, and catches a parent's birth date typed in the child's field.
MAX_CHILD_AGE_YEARS = 7
# A payment may be recorded when it is announced, a few days before it arrives.
PAYMENT_DAYS_AHEAD = 7


def _today() -> dt.date:
    return timezone.localdate()


def birth_date_problem(day: dt.date, *, today: dt.date) -> str | None:
    """Why a child's birth date is not plausible, or None."""
    if day > today:
        return _("A birth date cannot lie in the future.")
    oldest = today.replace(year=today.year - MAX_CHILD_AGE_YEARS, day=min(today.day, 28))
    if day < oldest:
        return _("A child in daycare is not older than %(years)d years: check the birth date.") % {
            "years": MAX_CHILD_AGE_YEARS
        }
    return None


def validate_birth_date(day: dt.date) -> None:
    if problem := birth_date_problem(day, today=_today()):
        raise ValidationError(problem, code="birth_date")


def validate_not_future(day: dt.date) -> None:
    # One day of grace: the server's day may still be yesterday for the user.
    if day > _today() + dt.timedelta(days=1):
        raise ValidationError(_("This date cannot lie in the future."), code="future")


def validate_payment_date(day: dt.date) -> None:
    if day > _today() + dt.timedelta(days=PAYMENT_DAYS_AHEAD):
        raise ValidationError(
            _("A payment is recorded when it comes in, at most %(days)d days ahead.")
            % {"days": PAYMENT_DAYS_AHEAD},
            code="future",
        )


class _TextOnly:
    """A field of a form that also reads JSON files: a number or a list where text
    belongs is an invalid value, not a crash of the field's parser."""

    def to_python(self, value):
        if value is not None and not isinstance(value, (str, dt.date, dt.time)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class TimeField(_TextOnly, forms.TimeField):
    pass


class DateField(_TextOnly, forms.DateField):
    """A form's date, held to the range; the browser's date picker gets the same bounds."""

    default_validators = [validate_in_range]

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=EARLIEST.isoformat(), max=LATEST.isoformat())
        return attrs


class PastDateField(DateField):
    """A date of something that happened: a consent, the evidence of a criterion."""

    default_validators = [validate_in_range, validate_not_future]


class BirthDateField(DateField):
    """A child's birth date: not in the future, not more than a daycare's age back."""

    default_validators = [validate_in_range, validate_birth_date]


class PaymentDateField(DateField):
    default_validators = [validate_in_range, validate_payment_date]


class MonthField(forms.DateField):
    """A month as 2026-12 (the browser's month picker), held to the range."""

    default_validators = [validate_in_range]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Enter a month as YYYY-MM.")
