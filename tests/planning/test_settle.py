"""Correcting attendance and settling a day: undo a tap, correct times with a reason,
settle what is still planned or never checked out, and the days left to settle."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from elief.models import Role
from planning import attendance, rules, selectors, services
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english():
    # The services' messages are asserted in the language of the code.
    with translation.override("en"):
        yield


@pytest.fixture
def site():
    return SiteFactory(name="Elief", opening_weekdays="1234567")


@pytest.fixture
def group(site):
    return GroupFactory(site=site, name="Vlinders")


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site])


@pytest.fixture
def staff(site):
    return UserFactory(role=Role.STAFF, sites=[site])


def _booking(group, day, *, name="Amal", outcome=rules.PLANNED, arrived=None, left=None):
    child = ChildFactory(family=FamilyFactory(site=group.site), first_name=name)
    return Booking.objects.create(
        child=child,
        group=group,
        date=day,
        start=dt.time(8, 30),
        end=dt.time(16, 30),
        place_type=rules.OCCASIONAL,
        outcome=outcome,
        arrived=arrived,
        left=left,
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


# Rules


def test_a_tap_can_be_undone_within_the_window_only():
    tapped = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert rules.can_undo(action=rules.CHECKED_OUT, at=tapped, now=tapped + rules.UNDO_WINDOW)
    later = tapped + rules.UNDO_WINDOW + dt.timedelta(seconds=1)
    assert not rules.can_undo(action=rules.CHECKED_OUT, at=tapped, now=later)
    assert not rules.can_undo(action="moved", at=tapped, now=tapped)


def test_a_day_is_to_settle_after_closing_or_when_past():
    day = dt.date(2026, 3, 2)
    closes = dt.time(18, 0)
    assert not rules.day_to_settle(day=day, now=dt.datetime(2026, 3, 2, 17, 59), closes=closes)
    assert rules.day_to_settle(day=day, now=dt.datetime(2026, 3, 2, 18, 0), closes=closes)
    assert rules.day_to_settle(day=day, now=dt.datetime(2026, 3, 3, 7, 0), closes=closes)


# Undo


def test_a_wrong_check_out_is_undone_within_five_minutes(group, staff):
    today = timezone.localdate()
    booking = _booking(group, today, outcome=rules.PRESENT, arrived=dt.time(8, 40))
    booking = services.booking_check_out(
        booking=booking, version=booking.version, user=staff, at=dt.time(9, 0)
    )
    booking = attendance.booking_undo_attendance(
        booking=booking, version=booking.version, user=staff
    )
    assert (booking.outcome, booking.arrived, booking.left) == (
        rules.PRESENT,
        dt.time(8, 40),
        None,
    )
    assert booking.changes.first().action == "undo_checked_out"


def test_an_undone_check_in_puts_back_what_was_before(group, staff):
    booking = _booking(group, timezone.localdate())
    booking = services.booking_check_in(
        booking=booking, version=booking.version, user=staff, at=dt.time(9, 0)
    )
    booking = attendance.booking_undo_attendance(
        booking=booking, version=booking.version, user=staff
    )
    assert (booking.outcome, booking.arrived) == (rules.PLANNED, None)


def test_it_refuses_an_undo_after_the_window(group, staff):
    booking = _booking(group, timezone.localdate())
    booking = services.booking_check_in(
        booking=booking, version=booking.version, user=staff, at=dt.time(9, 0)
    )
    later = timezone.now() + rules.UNDO_WINDOW + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="no longer be undone"):
        attendance.booking_undo_attendance(
            booking=booking, version=booking.version, user=staff, now=later
        )


# Correction


def test_the_coordinator_corrects_a_past_day_with_a_reason(group, coordinator):
    booking = _booking(
        group, _yesterday(), outcome=rules.PRESENT, arrived=dt.time(8, 0), left=dt.time(8, 1)
    )
    booking = attendance.booking_correct_attendance(
        booking=booking,
        version=booking.version,
        user=coordinator,
        arrived=dt.time(8, 0),
        left=dt.time(16, 0),
        reason="Vergeten uit te checken",
    )
    change = booking.changes.first()
    assert change.action == "corrected"
    assert change.user == coordinator
    assert (change.before["left"], change.after["left"]) == ("08:01", "16:00")
    assert change.after["reason"] == "Vergeten uit te checken"


def test_staff_correct_today_only(group, staff):
    booking = _booking(
        group, _yesterday(), outcome=rules.PRESENT, arrived=dt.time(8, 0), left=dt.time(9, 0)
    )
    with pytest.raises(ValidationError, match="Only the coordinator"):
        attendance.booking_correct_attendance(
            booking=booking,
            version=booking.version,
            user=staff,
            arrived=dt.time(8, 0),
            left=dt.time(16, 0),
            reason="typo",
        )


@pytest.mark.parametrize(
    ("arrived", "left", "reason", "field"),
    [
        (dt.time(8, 0), dt.time(16, 0), "  ", "reason"),
        (dt.time(9, 0), dt.time(9, 0), "typo", "left"),
        (dt.time(9, 0), dt.time(20, 3), "typo", "arrived"),
    ],
)
def test_it_refuses_a_correction_without_reason_or_with_impossible_times(
    group, coordinator, arrived, left, reason, field
):
    booking = _booking(
        group, _yesterday(), outcome=rules.PRESENT, arrived=dt.time(8, 0), left=dt.time(9, 0)
    )
    with pytest.raises(ValidationError) as error:
        attendance.booking_correct_attendance(
            booking=booking,
            version=booking.version,
            user=coordinator,
            arrived=arrived,
            left=left,
            reason=reason,
        )
    assert field in error.value.message_dict
    booking.refresh_from_db()
    assert booking.left == dt.time(9, 0)


# Settling


def test_settling_a_forgotten_child_records_the_planned_times(group, coordinator):
    booking = _booking(group, _yesterday())
    booking = attendance.booking_settle(
        booking=booking, version=booking.version, user=coordinator, outcome=rules.PRESENT
    )
    assert (booking.outcome, booking.arrived, booking.left) == (
        rules.PRESENT,
        dt.time(8, 30),
        dt.time(16, 30),
    )
    assert booking.changes.first().action == "settled"


def test_a_child_never_checked_out_keeps_the_arrival(group, coordinator):
    booking = _booking(group, _yesterday(), outcome=rules.PRESENT, arrived=dt.time(9, 15))
    booking = attendance.booking_settle(
        booking=booking,
        version=booking.version,
        user=coordinator,
        outcome=rules.PRESENT,
        left=dt.time(15, 0),
    )
    assert (booking.arrived, booking.left) == (dt.time(9, 15), dt.time(15, 0))


def test_settling_as_no_show_or_excused(group, coordinator, site):
    codes = {code.code: code for code in services.absence_codes_ensure(site=site)}
    first, second = _booking(group, _yesterday()), _booking(group, _yesterday(), name="Bo")
    attendance.booking_settle(
        booking=first, version=first.version, user=coordinator, outcome=rules.NO_SHOW
    )
    attendance.booking_settle(
        booking=second,
        version=second.version,
        user=coordinator,
        outcome=rules.EXCUSED,
        absence_code=codes["ziek"],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, second.outcome, second.absence_code.code) == (
        rules.NO_SHOW,
        rules.EXCUSED,
        "ziek",
    )


def test_excused_needs_a_code_and_today_waits_for_closing(group, coordinator):
    booking = _booking(group, _yesterday())
    with pytest.raises(ValidationError, match="reason of absence"):
        attendance.booking_settle(
            booking=booking, version=booking.version, user=coordinator, outcome=rules.EXCUSED
        )
    today = _booking(group, timezone.localdate(), name="Bo")
    with pytest.raises(ValidationError, match="once the site has closed"):
        attendance.booking_settle(
            booking=today,
            version=today.version,
            user=coordinator,
            outcome=rules.NO_SHOW,
            now=_at(today.date, 12),
        )


def test_staff_settle_today_but_not_a_past_day(group, staff):
    booking = _booking(group, _yesterday())
    with pytest.raises(ValidationError, match="Only the coordinator"):
        attendance.booking_settle(
            booking=booking, version=booking.version, user=staff, outcome=rules.NO_SHOW
        )
    today = _booking(group, timezone.localdate(), name="Bo")
    settled = attendance.booking_settle(
        booking=today,
        version=today.version,
        user=staff,
        outcome=rules.NO_SHOW,
        now=_at(today.date, 18, 30),
    )
    assert settled.outcome == rules.NO_SHOW


# The days to settle


def test_unsettled_days_counts_planned_and_never_checked_out(
    group, site, django_assert_num_queries
):
    day = _yesterday()
    _booking(group, day)
    _booking(group, day, name="Bo", outcome=rules.PRESENT, arrived=dt.time(8, 0))
    _booking(
        group, day, name="Cas", outcome=rules.PRESENT, arrived=dt.time(8, 0), left=dt.time(9, 0)
    )
    _booking(group, day - dt.timedelta(days=1), name="Dina", outcome=rules.NO_SHOW)
    with django_assert_num_queries(1):
        days = selectors.unsettled_days(site=site, until=day)
    assert [(d.date, d.bookings) for d in days] == [(day, 2)]


# Pages


def test_the_undo_button_follows_a_check_out_on_the_row(client, staff, group):
    booking = _booking(group, timezone.localdate(), outcome=rules.PRESENT, arrived=dt.time(0, 0))
    client.force_login(staff)
    response = client.post(
        reverse("planning:today_check_out", args=[booking.pk]),
        {"version": booking.version},
        headers=HTMX,
    )
    assert 'data-action="undo"' in response.content.decode()
    booking.refresh_from_db()
    response = client.post(
        reverse("planning:today_undo", args=[booking.pk]),
        {"version": booking.version},
        headers=HTMX,
    )
    assert response.status_code == HTTPStatus.OK
    assert 'data-action="check-out"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.left is None


def test_the_undo_of_another_sites_booking_is_not_found(client, group):
    booking = _booking(group, timezone.localdate(), outcome=rules.PRESENT, arrived=dt.time(8))
    client.force_login(UserFactory(role=Role.STAFF, sites=[SiteFactory()]))
    response = client.post(
        reverse("planning:today_undo", args=[booking.pk]), {"version": booking.version}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_correction_form_posts_and_lands_on_the_booking(client, coordinator, group):
    booking = _booking(
        group, _yesterday(), outcome=rules.PRESENT, arrived=dt.time(8, 0), left=dt.time(8, 1)
    )
    client.force_login(coordinator)
    detail = client.get(reverse("planning:booking_detail", args=[booking.pk]))
    assert "data-attendance-correct" in detail.content.decode()
    response = client.post(
        reverse("planning:attendance_correct", args=[booking.pk]),
        {"version": booking.version, "arrived": "08:00", "left": "16:05", "reason": "tik"},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    booking.refresh_from_db()
    assert booking.left == dt.time(16, 5)


@pytest.mark.parametrize("next_", ["-1", "planning:today", "https://elders.example/", "//x"])
def test_the_correction_goes_back_to_a_path_of_this_site_only(client, coordinator, group, next_):
    booking = _booking(
        group, _yesterday(), outcome=rules.PRESENT, arrived=dt.time(8, 0), left=dt.time(8, 1)
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:attendance_correct", args=[booking.pk]),
        {"version": booking.version, "arrived": "08:00", "left": "16:05", "reason": "tik"}
        | {"next": next_},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("planning:booking_detail", args=[booking.pk])


def test_the_settle_page_lists_and_settles_in_one_tap(client, coordinator, group, site):
    day = _yesterday()
    booking = _booking(group, day)
    client.force_login(coordinator)
    url = reverse("planning:settle_day", args=[site.pk, day.isoformat()])
    page = client.get(url).content.decode()
    assert "data-settle-row" in page and "Amal" in page
    response = client.post(
        reverse("planning:settle_booking", args=[booking.pk]),
        {"version": booking.version, "outcome": "present", "arrived": "08:30", "left": "15:00"},
        headers=HTMX,
    )
    assert 'data-settled-as="present"' in response.content.decode()
    assert "data-settled" in client.get(url).content.decode()


def test_staff_may_not_open_a_past_days_settle_page(client, staff, site):
    client.force_login(staff)
    url = reverse("planning:settle_day", args=[site.pk, _yesterday().isoformat()])
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_another_sites_settle_page_is_not_found(client, site):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory()]))
    url = reverse("planning:settle_day", args=[site.pk, _yesterday().isoformat()])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "20261130"])
def test_a_settle_page_outside_the_calendar_is_not_found(client, coordinator, site, day):
    client.force_login(coordinator)
    url = reverse("planning:settle_day", args=[site.pk, day])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


# The coordinator's home page (session, user, sites and their status, referral deadlines)
# and the days to settle in one query: the same whatever the number of days or children.
HOME_QUERIES = 14  # the look-ahead, the days to settle and the freed places, whatever their number


@pytest.mark.parametrize("days", [1, 6])
def test_the_home_page_lists_days_to_settle_in_fixed_queries(
    client, coordinator, group, site, days, django_assert_num_queries
):
    for offset in range(1, days + 1):
        for index in range(2):
            _booking(group, timezone.localdate() - dt.timedelta(days=offset), name=f"K{index}")
    client.force_login(coordinator)
    client.get(reverse("home"))  # warm the session
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    content = response.content.decode()
    assert content.count("data-unsettled-day=") == days
    assert reverse("planning:settle_day", args=[site.pk, _yesterday().isoformat()]) in content
