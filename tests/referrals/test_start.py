"""Starting care from a referral: one page, pre-filled, all or nothing."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import ClosingDay, Role
from families.models import CarePlan, Child, Family, Guardian, SettlingInSession
from planning.models import Booking
from referrals.models import Referral
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _monday_after(day: dt.date, weeks: int = 1) -> dt.date:
    return day + dt.timedelta(days=7 * weeks - day.weekday())


@pytest.fixture
def referral(site):
    return ReferralFactory(
        site=site,
        organisation=OrganisationFactory(name="VDAB"),
        received_date=timezone.localdate() - dt.timedelta(days=4),
        wished_start=_monday_after(timezone.localdate(), 2),
        wished_weekdays="13",
        wished_from=dt.time(9),
        wished_until=dt.time(15, 30),
        parent_first_name="Samira",
        parent_last_name="Benali",
        parent_phone="0470 12 34 56",
        parent_email="samira@example.be",
        postcode="2060",
        home_languages="Arabisch; Nederlands",
        child_first_name="Yasmine",
        child_last_name="Benali",
        child_birth_date=dt.date(2025, 6, 1),
        consent_scope="intake en opvolging",
    )


def _value(value) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _prefilled(response, **changes) -> dict:
    """What the browser sends when the coordinator saves the page as it came."""
    data = {}
    for name in ("family_form", "plan_form", "settling_in_form", "booking_form"):
        form = response.context[name]
        for field in form:
            value = _value(field.value())
            if value is not None:
                data[field.html_name] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _start_url(referral) -> str:
    return reverse("referrals:referral_start", args=[referral.pk])


def test_every_form_is_prefilled_from_the_referral(client, coordinator, referral, group):
    client.force_login(coordinator)
    response = client.get(_start_url(referral))
    assert response.status_code == HTTPStatus.OK
    family = response.context["family_form"]
    assert family["family"].value() == "new"
    assert family["reference"].value() == f"T-{referral.received_date:%Y}-{referral.pk:04d}"
    assert (family["parent_first_name"].value(), family["child_birth_date"].value()) == (
        "Samira",
        dt.date(2025, 6, 1),
    )
    plan = response.context["plan_form"]
    assert plan["kind"].value() == "occasional"
    assert plan["start"].value() == referral.wished_start
    assert [plan[f"day_{day}"].value() for day in range(1, 6)] == [True, None, True, None, None]
    assert (plan["from_3"].value(), plan["until_3"].value()) == (dt.time(9), dt.time(15, 30))
    booking = response.context["booking_form"]
    assert booking["day"].value() == referral.wished_start  # a Monday, a wished day
    assert (booking["start"].value(), booking["end"].value()) == (dt.time(9), dt.time(15, 30))
    assert booking["place_type"].value() == "occasional"
    assert booking["group"].value() == group.pk


def test_starting_a_new_family_creates_it_from_the_referral(client, coordinator, referral, group):
    client.force_login(coordinator)
    response = client.post(_start_url(referral), _prefilled(client.get(_start_url(referral))))
    assert response.status_code == HTTPStatus.FOUND, response.context and [
        response.context[name].errors
        for name in ("family_form", "plan_form", "settling_in_form", "booking_form")
    ]
    family = Family.objects.get()
    assert (family.site, family.reference, family.postcode) == (
        referral.site,
        f"T-{referral.received_date:%Y}-{referral.pk:04d}",
        "2060",
    )
    assert (family.referrer, family.consent_date, family.consent_scope) == (
        referral.organisation,
        referral.consent_date,
        "intake en opvolging",
    )
    guardian = Guardian.objects.get()
    assert (guardian.first_name, guardian.phone, guardian.email, guardian.home_languages) == (
        "Samira",
        "0470 12 34 56",
        "samira@example.be",
        "Arabisch; Nederlands",
    )
    child = Child.objects.get()
    assert (child.first_name, child.birth_date, child.family) == (
        "Yasmine",
        dt.date(2025, 6, 1),
        family,
    )
    plan = CarePlan.objects.get()
    assert (plan.child, plan.kind, plan.start, plan.end) == (
        child,
        "occasional",
        referral.wished_start,
        None,
    )
    assert plan.pattern == {1: (dt.time(9), dt.time(15, 30)), 3: (dt.time(9), dt.time(15, 30))}
    booking = Booking.objects.order_by("date").first()
    assert (booking.child, booking.group, booking.date, booking.care_plan, booking.origin) == (
        child,
        group,
        referral.wished_start,
        plan,
        "referral_start",
    )
    assert (booking.start, booking.end, booking.place_type, booking.created_by) == (
        dt.time(9),
        dt.time(15, 30),
        "occasional",
        coordinator,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.first_care_day, referral.closed_on) == (
        "started",
        referral.wished_start,
        timezone.localdate(),
    )
    assert (referral.family, referral.child) == (family, child)
    assert referral.days_to_start == (referral.wished_start - referral.received_date).days
    assert list(referral.steps.values_list("status", "by")) == [
        ("received", None),
        ("started", coordinator.pk),
    ]
    # Started is final: the start page sends the coordinator back.
    booked = Booking.objects.count()
    response = client.get(_start_url(referral))
    assert response.status_code == HTTPStatus.FOUND
    client.post(_start_url(referral), _prefilled_after(referral, group))
    assert Booking.objects.count() == booked


def _prefilled_after(referral, group) -> dict:
    return {
        "family-family": "new",
        "family-reference": "X-1",
        "family-parent_first_name": "Samira",
        "family-parent_last_name": "Benali",
        "family-child_first_name": "Yasmine",
        "family-child_last_name": "Benali",
        "family-child_birth_date": "2025-06-01",
        "plan-kind": "occasional",
        "plan-start": referral.wished_start.isoformat(),
        "plan-day_1": "on",
        "plan-from_1": "09:00",
        "plan-until_1": "12:00",
        "booking-group": str(group.pk),
        "booking-day": referral.wished_start.isoformat(),
        "booking-start": "09:00",
        "booking-end": "12:00",
        "booking-place_type": "occasional",
    }


def test_a_matched_family_and_child_are_used_without_duplicates(
    client, coordinator, referral, group, site
):
    family = FamilyFactory(site=site, reference="G-007")
    GuardianFactory(family=family, first_name="Samira", last_name="Benali", phone="0470123456")
    child = ChildFactory(
        family=family, first_name="Yasmine", last_name="Benali", birth_date=dt.date(2025, 6, 1)
    )
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    # With a known family, the coordinator must choose: there is no default.
    assert page.context["family_form"]["family"].value() is None
    response = client.post(_start_url(referral), _prefilled(page))
    assert response.status_code == HTTPStatus.OK
    assert "family" in response.context["family_form"].errors
    assert not CarePlan.objects.exists()

    response = client.post(_start_url(referral), _prefilled(page, **{"family-family": family.pk}))
    assert response.status_code == HTTPStatus.FOUND
    assert Family.objects.count() == 1 and Guardian.objects.count() == 1
    assert Child.objects.get() == child
    assert CarePlan.objects.get().child == child
    family.refresh_from_db()
    assert (family.referrer, family.consent_date) == (referral.organisation, referral.consent_date)
    referral.refresh_from_db()
    assert (referral.family, referral.child, referral.status) == (family, child, "started")


def test_a_confirmed_match_is_the_default_and_a_sibling_is_added(
    client, coordinator, referral, group, site
):
    family = FamilyFactory(site=site, reference="G-008")
    GuardianFactory(family=family, first_name="Samira", last_name="Benali", phone="0470123456")
    brother = ChildFactory(family=family, first_name="Adam", last_name="Benali")
    referral.family = family  # the coordinator confirmed the match on the detail page
    referral.save()
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    assert page.context["family_form"]["family"].value() == str(family.pk)
    assert client.post(_start_url(referral), _prefilled(page)).status_code == HTTPStatus.FOUND
    assert Family.objects.count() == 1 and Guardian.objects.count() == 1
    yasmine = Child.objects.exclude(pk=brother.pk).get()
    assert (yasmine.family, yasmine.first_name) == (family, "Yasmine")


@pytest.fixture
def full_group(site, referral):
    """A group with one place, taken on the wished start: a second child is refused."""
    group = GroupFactory(
        site=site,
        name="Kikkers",
        capacity=1,
        regular_places=0,
        occasional_places=1,
        urgent_reserve=0,
    )
    Booking.objects.create(
        child=ChildFactory(family=FamilyFactory(site=site)),
        group=group,
        date=referral.wished_start,
        start=dt.time(8),
        end=dt.time(17),
        place_type="occasional",
    )
    return group


def test_a_refused_booking_shows_the_risk_saves_nothing_and_can_be_overridden(
    client, coordinator, referral, full_group
):
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    data = _prefilled(page, **{"booking-group": full_group.pk})
    response = client.post(_start_url(referral), data)
    assert response.status_code == HTTPStatus.OK
    form = response.context["booking_form"]
    # Both children without history come with p = 0.9: P(X > 1) = 0.9 × 0.9.
    assert form.refusal is not None and form.refusal.risk_pct == pytest.approx(81.0)
    assert "override_reason" in form.errors
    assert 'id="booking-refused"' in response.content.decode()
    # Nothing half-saved: no family, child, plan or booking; the referral is untouched.
    assert (Family.objects.count(), Child.objects.count()) == (1, 1)  # the other child's
    assert not CarePlan.objects.exists()
    assert Booking.objects.count() == 1
    assert Referral.objects.get().status == "received"

    data["booking-override_reason"] = "Moeder start maandag opleiding VDAB"
    response = client.post(_start_url(referral), data)
    assert response.status_code == HTTPStatus.FOUND
    booking = Booking.objects.get(child__first_name="Yasmine", date=referral.wished_start)
    assert booking.override_reason == "Moeder start maandag opleiding VDAB"
    assert Referral.objects.get().status == "started"
    # The reason was given for the first care day only: the other days of the pattern are
    # booked under the rule (the group is empty on them), none with a reason.
    others = Booking.objects.filter(child__first_name="Yasmine").exclude(pk=booking.pk)
    assert others.count() == 8 and not others.exclude(override_reason="").exists()


def test_settling_in_sessions_come_before_the_first_care_day(client, coordinator, referral, group):
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    first_day = referral.wished_start
    # The default template has three sessions, one per open day from the first.
    too_soon = _prefilled(page, **{"settling-plan": "on", "settling-first_day": first_day})
    response = client.post(_start_url(referral), too_soon)
    assert response.status_code == HTTPStatus.OK
    assert "first_day" in response.context["settling_in_form"].errors
    assert not Family.objects.exists() and not SettlingInSession.objects.exists()

    sessions_from = first_day - dt.timedelta(days=7)  # Monday a week before: Mon, Tue, Wed
    data = _prefilled(
        page,
        **{
            "settling-plan": "on",
            "settling-first_day": sessions_from.isoformat(),
            "plan-start": sessions_from.isoformat(),
        },
    )
    assert client.post(_start_url(referral), data).status_code == HTTPStatus.FOUND
    dates = list(SettlingInSession.objects.values_list("date", flat=True))
    assert len(dates) == 3 and max(dates) < first_day
    assert Referral.objects.get().first_care_day == first_day


def test_an_urgent_referral_is_booked_on_an_urgent_place_by_default(
    client, coordinator, referral, group
):
    referral.urgent = True
    referral.save()
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    assert page.context["booking_form"]["place_type"].value() == "urgent"


def test_the_first_care_day_lies_within_the_care_plan(client, coordinator, referral, group):
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    before = referral.wished_start - dt.timedelta(days=7)
    response = client.post(_start_url(referral), _prefilled(page, **{"booking-day": before}))
    assert "day" in response.context["booking_form"].errors
    assert not Family.objects.exists()


def test_a_taken_family_reference_is_refused(client, coordinator, referral, group, site):
    FamilyFactory(site=site, reference="G-100")
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    response = client.post(_start_url(referral), _prefilled(page, **{"family-reference": "G-100"}))
    assert "reference" in response.context["family_form"].errors
    assert Family.objects.count() == 1


def test_a_declined_referral_cannot_start(client, coordinator, referral, group):
    referral.status, referral.closed_on = "declined", timezone.localdate()
    referral.save()
    client.force_login(coordinator)
    assert client.get(_start_url(referral)).status_code == HTTPStatus.FOUND
    assert not Family.objects.exists()


def test_other_sites_coordinators_cannot_start(client, referral, group):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Noord")]))
    assert client.post(_start_url(referral), {}).status_code == HTTPStatus.NOT_FOUND


def test_starting_books_every_pattern_day_for_four_weeks_and_lists_what_it_could_not(
    client, coordinator, referral, group, site
):
    """Mondays and Wednesdays from the first care day up to four weeks later: a closing
    day and a day the overflow rule refuses are listed with their reason, not booked."""
    first = referral.wished_start
    closed, refused = first + dt.timedelta(days=2), first + dt.timedelta(days=7)
    ClosingDay.objects.create(site=site, date=closed, reason="Pedagogische studiedag")
    # The group is full all day on `refused`.
    for _ in range(group.capacity):
        Booking.objects.create(
            child=ChildFactory(family=FamilyFactory(site=site)),
            group=group,
            date=refused,
            start=dt.time(7, 30),
            end=dt.time(18),
            place_type="occasional",
        )
    client.force_login(coordinator)
    page = client.get(_start_url(referral))
    response = client.post(_start_url(referral), _prefilled(page), follow=True)
    assert response.status_code == HTTPStatus.OK
    child = Child.objects.get(first_name="Yasmine")
    assert set(child.bookings.values_list("origin", flat=True)) == {"referral_start"}
    days = list(child.bookings.order_by("date").values_list("date", flat=True))
    four_weeks = (first + dt.timedelta(days=n) for n in range(29))
    pattern_days = [day for day in four_weeks if day.isoweekday() in (1, 3)]
    assert len(pattern_days) == 9
    assert days == [day for day in pattern_days if day not in (closed, refused)]
    text = " ".join(str(message) for message in response.context["messages"])
    assert f"{closed:%d-%m-%Y}" in text and "Pedagogische studiedag" in text
    assert f"{refused:%d-%m-%Y}" in text
