"""A care-plan change shows what it does to the plan's future bookings, then applies it."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from planning import services
from planning.models import Booking, BookingChange
from planning.regular import REGULAR_HORIZON, regular_bookings_sync
from tests.factories import ChildFactory, FamilyFactory, GroupFactory

pytestmark = pytest.mark.django_db

FULL_DAY = (dt.time(8, 30), dt.time(16))


@pytest.fixture
def child(site):
    return ChildFactory(family=FamilyFactory(site=site), first_name="Nour")


@pytest.fixture
def plan(child, group):
    # Monday and Friday; the plan's own bookings for the next four weeks.
    plan = family_services.care_plan_create(
        child=child,
        kind="regular",
        start=timezone.localdate(),
        end=None,
        pattern={1: FULL_DAY, 5: FULL_DAY},
    )
    regular_bookings_sync(
        plan=plan, until=timezone.localdate() + REGULAR_HORIZON, today=timezone.localdate()
    )
    return plan


def _fridays(child, **filters) -> list[dt.date]:
    bookings = child.bookings.filter(date__week_day=6, **filters).order_by("date")
    return list(bookings.values_list("date", flat=True))


def _post(plan, **changes) -> dict:
    data = {
        "kind": "regular",
        "start": plan.start.isoformat(),
        "requested_by": "mama",
        "requested_on": timezone.localdate().isoformat(),
        "decision": "accept",
        "version": plan.version,
        "day_1": "on",
        "from_1": "08:30",
        "until_1": "16:00",
        "from_5": "08:30",
        "until_5": "16:00",
    }
    data.update(changes)
    return data


def _url(plan) -> str:
    return reverse("families:care_plan_change", args=[plan.pk])


def test_removing_friday_previews_then_cancels_the_plan_fridays(
    client, coordinator, plan, child, group
):
    fridays = _fridays(child, outcome="planned")
    # Four weeks ahead, less public holidays on a Friday (Christmas and New Year's Day both
    # fall on one in 2026): one booked by hand and at least one of the plan's own.
    assert len(fridays) >= 2
    # The coordinator booked one Friday by hand for this plan: not the plan's own.
    by_hand = child.bookings.get(date=fridays[0])
    Booking.objects.filter(pk=by_hand.pk).update(origin="manual")
    client.force_login(coordinator)

    preview = client.post(_url(plan), _post(plan))

    assert preview.status_code == HTTPStatus.OK
    shown = preview.context["preview"]
    assert [booking.date for booking in shown.remove] == fridays[1:]
    assert [booking.pk for booking, _update in shown.others] == [by_hand.pk]
    assert shown.add == [] and shown.change == []
    page = preview.content.decode()
    assert 'id="booking-preview"' in page and f'name="include" value="{by_hand.pk}"' in page
    # Nothing changed yet.
    assert _fridays(child, outcome="planned") == fridays
    plan.refresh_from_db()
    assert 5 in plan.pattern

    data = _post(plan, confirm="1", previewed=preview.context["previewed"])
    response = client.post(_url(plan), data)

    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert 5 not in plan.pattern
    assert _fridays(child, outcome="planned") == [fridays[0]]  # the one by hand is kept
    removed = BookingChange.objects.filter(action="plan_removed")
    assert sorted(removed.values_list("booking__date", flat=True)) == fridays[1:]
    assert set(removed.values_list("user", flat=True)) == {coordinator.pk}


def test_a_ticked_booking_of_another_origin_follows_the_plan(client, coordinator, plan, child):
    fridays = _fridays(child, outcome="planned")
    other = child.bookings.get(date=fridays[0])
    Booking.objects.filter(pk=other.pk).update(origin="referral_start")
    client.force_login(coordinator)
    preview = client.post(_url(plan), _post(plan))
    data = _post(plan, confirm="1", previewed=preview.context["previewed"], include=[other.pk])
    client.post(_url(plan), data)
    assert _fridays(child, outcome="planned") == []


def test_a_change_not_previewed_is_previewed_first(client, coordinator, plan, child):
    fridays = _fridays(child, outcome="planned")
    client.force_login(coordinator)
    preview = client.post(_url(plan), _post(plan))
    # The coordinator edits the times after the preview: the new change is previewed.
    data = _post(
        plan, confirm="1", previewed=preview.context["previewed"], day_5="on", until_5="12:00"
    )
    response = client.post(_url(plan), data)
    assert response.status_code == HTTPStatus.OK
    assert [update.end for update in response.context["preview"].change] == [dt.time(12)] * len(
        fridays
    )
    assert _fridays(child, outcome="planned") == fridays
    assert set(child.bookings.values_list("end", flat=True)) == {dt.time(16)}


def test_new_times_and_group_change_the_bookings_in_place(client, coordinator, plan, child, site):
    other_group = GroupFactory(site=site, name="Bijtjes")
    before = set(child.bookings.values_list("pk", flat=True))
    client.force_login(coordinator)
    changes = {"day_5": "on", "until_5": "12:00", "group": str(other_group.pk)}
    preview = client.post(_url(plan), _post(plan, **changes))
    assert preview.status_code == HTTPStatus.OK
    data = _post(plan, confirm="1", previewed=preview.context["previewed"], **changes)
    assert client.post(_url(plan), data).status_code == HTTPStatus.FOUND
    assert set(child.bookings.values_list("pk", flat=True)) == before
    assert set(child.bookings.values_list("group", flat=True)) == {other_group.pk}
    assert set(child.bookings.filter(date__week_day=6).values_list("end", flat=True)) == {
        dt.time(12)
    }
    change = BookingChange.objects.filter(action="plan_changed").first()
    assert change.before["group"] != change.after["group"] == "Bijtjes"


def test_an_occasional_plan_says_its_days_are_booked_by_hand(client, coordinator, child, group):
    plan = family_services.care_plan_create(
        child=child, kind="occasional", start=timezone.localdate(), end=None, pattern={2: FULL_DAY}
    )
    client.force_login(coordinator)
    response = client.post(_url(plan), _post(plan, kind="occasional"))
    assert response.status_code == HTTPStatus.OK
    assert not response.context["preview"].regular
    assert "met de hand" in response.content.decode() or "by hand" in response.content.decode()


def test_another_sites_group_is_refused(client, coordinator, plan, child):
    elsewhere = GroupFactory()
    client.force_login(coordinator)
    response = client.post(_url(plan), _post(plan, day_5="on", group=str(elsewhere.pk)))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors and not response.context["previewed"]


def test_the_plan_drop_keeps_history(plan, child, coordinator):
    booking = child.bookings.filter(outcome="planned").first()
    services.booking_drop_from_plan(booking=booking, user=coordinator)
    booking.refresh_from_db()
    assert booking.outcome == "cancelled"
    assert list(booking.changes.values_list("action", flat=True)) == ["plan_removed", "created"]


def test_the_family_leaving_is_previewed_then_cancels_the_days_after(
    client, coordinator, plan, child
):
    family = child.family
    planned = list(child.bookings.filter(outcome="planned").values_list("date", flat=True))
    leaves = planned[1]
    url = reverse("families:family_edit", args=[family.pk])
    client.force_login(coordinator)
    data = {
        "reference": family.reference,
        "postcode": family.postcode or "2060",
        "left_on": leaves.isoformat(),
    }
    preview = client.post(url, data)
    assert preview.status_code == HTTPStatus.OK, preview.context["forms"][0][1].errors
    [(shown_plan, shown)] = preview.context["previews"]
    assert shown_plan == plan
    assert [booking.date for booking in shown.remove] == planned[2:]
    assert child.bookings.filter(outcome="planned").count() == len(planned)

    data.update(confirm="1", previewed=preview.context["previewed"])
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    family.refresh_from_db()
    assert family.left_on == leaves
    kept = child.bookings.filter(outcome="planned").values_list("date", flat=True)
    assert list(kept.order_by("date")) == planned[:2]


@pytest.mark.parametrize("weekdays", [(1,), (1, 2, 3, 4)])
def test_the_preview_needs_a_fixed_number_of_queries(
    client, coordinator, child, group, weekdays, django_assert_num_queries
):
    plan = family_services.care_plan_create(
        child=child,
        kind="regular",
        start=timezone.localdate(),
        end=None,
        pattern=dict.fromkeys(weekdays, FULL_DAY),
    )
    regular_bookings_sync(
        plan=plan, until=timezone.localdate() + REGULAR_HORIZON, today=timezone.localdate()
    )
    # Another origin among them, so every list of the preview has rows.
    Booking.objects.filter(pk=child.bookings.first().pk).update(origin="manual")
    client.force_login(coordinator)
    # Every weekday removed, Friday added: every booking is in the preview.
    data = _post(plan, day_1="", day_5="on")
    with django_assert_num_queries(11):  # with the access log row
        response = client.post(_url(plan), data)
    assert len(response.context["preview"].remove) == child.bookings.count() - 1
