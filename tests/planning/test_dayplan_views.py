"""The day plan page: scoping, htmx partials, booking actions, query counts."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.calendar import public_holidays
from elief.models import Role
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def _open_day_ahead(days: int) -> dt.date:
    """A weekday at least `days` ahead that is no public holiday, whenever the tests run."""
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.isoweekday() > 5 or public_holidays(day, day):
        day += dt.timedelta(days=1)
    return day


# More than two days ahead: the urgent reserve is still held.
DAY = _open_day_ahead(10)


@pytest.fixture
def group(site):
    return GroupFactory(
        site=site,
        name="Vlinders",
        capacity=2,
        regular_places=0,
        occasional_places=2,
        urgent_reserve=1,
    )


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _child(site, name="Amal"):
    return ChildFactory(family=FamilyFactory(site=site), first_name=name)


def _plan_url(site, day=DAY):
    return f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={day.isoformat()}"


def _add(client, group, child, day=DAY, htmx=True, **extra):
    data = {
        f"g{group.pk}-child": child.pk,
        f"g{group.pk}-start": "08:00",
        f"g{group.pk}-end": "16:00",
        f"g{group.pk}-place_type": "occasional",
    }
    data.update({f"g{group.pk}-{key}": value for key, value in extra.items()})
    headers = {"hx-request": "true"} if htmx else {}
    return client.post(
        f"{reverse('planning:booking_add', args=[group.pk])}?dag={day.isoformat()}",
        data,
        headers=headers,
    )


def test_a_booking_is_refused_then_booked_anyway_with_a_reason(signed_in, site, group):
    _add(signed_in, group, _child(site, "Amal"))
    response = _add(signed_in, group, _child(site, "Bo"))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    # Nothing on the plan changed: only the form answers, in place of the one sent.
    assert "<html" not in body and 'id="plan"' not in body and "plan-summary" not in body
    assert body.lstrip().startswith('<form method="post"')
    assert response["HX-Retarget"] == f"#add-form-{group.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert f'id="add-form-{group.pk}"' in body and 'class="alert error refusal"' in body
    assert "81,0 %" in body  # P(X > 1) with p = 0.9, 0.9: the reserve is still held
    assert f'name="g{group.pk}-child" value="' in body and " checked" in body  # Bo stays picked
    response = _add(
        signed_in,
        group,
        Booking.objects.none().model.child.field.related_model.objects.get(first_name="Bo"),
        override_reason="Start opleiding VDAB maandag",
    )
    assert response.status_code == HTTPStatus.OK
    booking = Booking.objects.get(child__first_name="Bo")
    assert booking.override_reason == "Start opleiding VDAB maandag"
    # Booked: the group's card answers in place, the totals and hour strip out of band.
    body = response.content.decode()
    assert "HX-Retarget" not in response
    assert body.lstrip().startswith(f'<section class="card group" id="group-{group.pk}"')
    assert '<section id="plan-summary"' in body and 'hx-swap-oob="true"' in body


def test_the_page_and_its_partial(signed_in, site, group):
    full = signed_in.get(_plan_url(site))
    partial = signed_in.get(_plan_url(site), headers={"hx-request": "true"})
    assert full.status_code == partial.status_code == HTTPStatus.OK
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode() and partial.content.decode().lstrip().startswith(
        '<div id="plan"'
    )


def test_another_sites_coordinator_gets_404(client, site, group):
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Elief Noord")]))
    assert client.get(_plan_url(site)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("planning:week", args=[site.pk])).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get(reverse("planning:booking_detail", args=[booking.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    for name in ("booking_cancel", "booking_urgent", "booking_restore", "booking_move"):
        assert (
            client.post(reverse(f"planning:{name}", args=[booking.pk]), {"version": 1}).status_code
            == HTTPStatus.NOT_FOUND
        )
    assert (
        client.post(reverse("planning:booking_add", args=[group.pk]), {}).status_code
        == HTTPStatus.NOT_FOUND
    )
    booking.refresh_from_db()
    assert booking.outcome == "planned"


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER])
def test_other_roles_cannot_plan(client, site, group, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    assert client.get(_plan_url(site)).status_code == HTTPStatus.FORBIDDEN


def test_cancel_offers_undo_and_undo_restores(signed_in, site, group):
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    response = signed_in.post(
        f"{reverse('planning:booking_cancel', args=[booking.pk])}?dag={DAY}",
        {"version": 1},
        headers={"hx-request": "true"},
    )
    booking.refresh_from_db()
    assert booking.outcome == "cancelled"
    assert reverse("planning:booking_restore", args=[booking.pk]) in response.content.decode()
    signed_in.post(
        reverse("planning:booking_restore", args=[booking.pk]), {"version": booking.version}
    )
    booking.refresh_from_db()
    assert booking.outcome == "planned"


def test_a_cancelled_row_keeps_an_ordinary_last_cell(signed_in, site, group):
    # The actions sit in a div: a flex cell stops being a table cell, and the row of a
    # cancelled booking, with no actions, lost its last cell and its border with it.
    for name, outcome in (("Amal", "planned"), ("Noor", "cancelled")):
        Booking.objects.create(
            child=_child(site, name),
            group=group,
            date=DAY,
            start=dt.time(8),
            end=dt.time(16),
            place_type="occasional",
            outcome=outcome,
        )
    html = signed_in.get(_plan_url(site)).content.decode()
    assert html.count('<div class="row-actions">') == 1
    assert '<td class="row-actions">' not in html


def test_a_stale_page_cannot_cancel(signed_in, site, group):
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        version=3,
    )
    response = signed_in.post(
        f"{reverse('planning:booking_cancel', args=[booking.pk])}?dag={DAY}",
        {"version": 2},
        headers={"hx-request": "true"},
    )
    assert response.status_code == HTTPStatus.OK
    booking.refresh_from_db()
    assert booking.outcome == "planned"
    assert 'class="message error"' in response.content.decode()


def test_move_to_another_group(signed_in, site, group):
    other = GroupFactory(site=site, name="Egeltjes", capacity=10)
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    signed_in.post(
        reverse("planning:booking_move", args=[booking.pk]),
        {"version": 1, "group": other.pk, "day": DAY.isoformat(), "start": "09:00", "end": "15:00"},
    )
    booking.refresh_from_db()
    assert (booking.group, booking.start) == (other, dt.time(9))
    assert booking.changes.get(action="moved").user is not None


def test_a_move_within_the_day_answers_with_both_groups_and_the_totals(signed_in, site, group):
    other = GroupFactory(site=site, name="Egeltjes", capacity=10)
    booking = Booking.objects.create(
        child=_child(site, "Lina"),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    response = signed_in.post(
        f"{reverse('planning:booking_move', args=[booking.pk])}?dag={DAY}",
        {"version": 1, "group": other.pk, "day": DAY.isoformat(), "start": "09:00", "end": "15:00"},
        headers={"hx-request": "true"},
    )
    body = response.content.decode()
    # The card the form was in answers in place, without the child; the group it moved to
    # and the totals come out of band.
    origin, _, rest = body.partition(f'<section class="card group" id="group-{other.pk}"')
    assert origin.lstrip().startswith(f'<section class="card group" id="group-{group.pk}"')
    assert "Lina" not in origin.split('<div class="message')[0]
    assert rest.split(">", 1)[0].endswith('hx-swap-oob="true"') and "Lina" in rest
    assert '<section id="plan-summary"' in rest
    assert 'id="plan"' not in body


def test_the_move_form_comes_when_opened_and_lives_on_the_booking_page(signed_in, site, group):
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    form_url = reverse("planning:booking_move_form", args=[booking.pk])
    plan = signed_in.get(_plan_url(site)).content.decode()
    assert f'hx-get="{form_url}"' in plan and 'name="group"' not in plan
    fragment = signed_in.get(form_url, headers={"hx-request": "true"})
    assert fragment.status_code == HTTPStatus.OK
    html = fragment.content.decode()
    assert "<html" not in html and 'name="group"' in html and f'value="{group.pk}"' in html
    assert f'hx-post="{reverse("planning:booking_move", args=[booking.pk])}?dag={DAY}"' in html
    # Without JavaScript the row's link leads to the booking's page, which has the form.
    detail = reverse("planning:booking_detail", args=[booking.pk])
    assert signed_in.get(form_url).url == f"{detail}#move"
    page = signed_in.get(detail).content.decode()
    assert 'id="move"' in page and 'name="group"' in page and "hx-post" not in page


def test_another_sites_coordinator_cannot_open_the_move_form(client, site, group):
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Elief Noord")]))
    response = client.get(
        reverse("planning:booking_move_form", args=[booking.pk]), headers={"hx-request": "true"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_mark_urgent_and_back(signed_in, site, group):
    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    signed_in.post(reverse("planning:booking_urgent", args=[booking.pk]), {"version": 1})
    booking.refresh_from_db()
    assert booking.place_type == "urgent"
    signed_in.post(reverse("planning:booking_urgent", args=[booking.pk]), {"version": 2})
    booking.refresh_from_db()
    assert booking.place_type == "occasional"


def test_the_history_page_shows_every_change(signed_in, site, group):
    from planning import services

    booking = services.booking_create(
        origin="manual",
        child=_child(site),
        group=group,
        day=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="urgent",
        user=None,
    )
    services.booking_cancel(booking=booking, version=1, user=None)
    body = signed_in.get(reverse("planning:booking_detail", args=[booking.pk])).content.decode()
    assert "Geboekt in Vlinders op" in body and "Geannuleerd" in body
    assert DAY.isoformat() not in body.split("<h2>")[-1]  # no ISO dates in the history


def _populate(site, groups, children_per_group):
    for index in range(groups):
        group = GroupFactory(site=site, name=f"Groep {index}", capacity=14)
        for child_index in range(children_per_group):
            child = _child(site, f"Kind{index}-{child_index}")
            Booking.objects.create(
                child=child,
                group=group,
                date=DAY,
                start=dt.time(8),
                end=dt.time(16),
                place_type="occasional",
            )
            Booking.objects.create(
                child=child,
                group=group,
                date=DAY - dt.timedelta(days=7),
                start=dt.time(8),
                end=dt.time(16),
                place_type="occasional",
                outcome="present",
                arrived=dt.time(8),
                left=dt.time(16),
            )


@pytest.mark.parametrize("children", [2, 12])
def test_the_day_plan_needs_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    _populate(site, 3, children)
    # The children are no longer listed on the page: the picker searches them.
    with django_assert_num_queries(9):
        response = signed_in.get(_plan_url(site))
    assert sum(len(g.bookings) for g in response.context["plan"].groups) == 3 * children


@pytest.mark.parametrize("children", [2, 12])
def test_a_refused_booking_answers_in_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    _populate(site, 3, children)
    group = site.groups.order_by("name").first()
    group.capacity = children
    group.save()
    # The form alone answers: no day plan to fetch again.
    with django_assert_num_queries(15):
        response = _add(signed_in, group, _child(site, "Extra"))
    assert 'class="alert error refusal"' in response.content.decode()
    assert not Booking.objects.filter(child__first_name="Extra").exists()


@pytest.mark.parametrize("children", [2, 12])
def test_a_cancellation_answers_in_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    _populate(site, 3, children)
    booking = Booking.objects.filter(date=DAY).order_by("pk").first()
    # 20: the card offers the freed place, one query more per source of candidates (the
    # waiting list, the parents' requests).
    with django_assert_num_queries(20):
        response = signed_in.post(
            f"{reverse('planning:booking_cancel', args=[booking.pk])}?dag={DAY}",
            {"version": booking.version},
            headers={"hx-request": "true"},
        )
    assert f'id="group-{booking.group_id}"' in response.content.decode()


@pytest.mark.parametrize("children", [2, 12])
def test_the_move_form_needs_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    _populate(site, 3, children)
    booking = Booking.objects.filter(date=DAY).order_by("pk").first()
    with django_assert_num_queries(4):
        signed_in.get(
            reverse("planning:booking_move_form", args=[booking.pk]),
            headers={"hx-request": "true"},
        )


@pytest.mark.parametrize("children", [2, 12])
def test_the_week_needs_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    _populate(site, 2, children)
    with django_assert_num_queries(8):
        signed_in.get(reverse("planning:week", args=[site.pk]) + f"?dag={DAY}")


def test_the_printable_day_list_has_what_the_door_needs(client, site, group):
    child = ChildFactory(
        family=FamilyFactory(site=site),
        first_name="Yasmine",
        allergies="pinda's",
        pickup_persons="Oma Fatma",
    )
    Booking.objects.create(
        child=child,
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    cancelled = ChildFactory(family=FamilyFactory(site=site), first_name="Noah")
    Booking.objects.create(
        child=cancelled,
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        outcome="cancelled",
    )
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    body = client.get(reverse("planning:day_list", args=[site.pk]) + f"?dag={DAY}").content.decode()
    assert "Yasmine" in body and "pinda&#x27;s" in body and "Oma Fatma" in body
    assert "Noah" not in body
    client.force_login(UserFactory(role=Role.STAFF, sites=[SiteFactory(name="Elief Noord")]))
    assert (
        client.get(reverse("planning:day_list", args=[site.pk])).status_code == HTTPStatus.NOT_FOUND
    )


def test_a_cancellation_proposes_the_first_waiting_candidates(signed_in, site, group):
    from planning.models import WaitingListEntry

    booking = Booking.objects.create(
        child=_child(site),
        group=group,
        date=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    waiting = _child(site, "Zara")
    WaitingListEntry.objects.create(
        child=waiting, site=site, wished_start=DAY - dt.timedelta(days=3), urgent=True
    )
    response = signed_in.post(
        f"{reverse('planning:booking_cancel', args=[booking.pk])}?dag={DAY}",
        {"version": 1},
        headers={"hx-request": "true"},
    )
    body = response.content.decode()
    assert "Zara" in body
    assert f'name="g{group.pk}-child" value="{waiting.pk}"' in body
    assert f'name="g{group.pk}-from_waiting_list" value="on"' in body
    # Booking the proposal records that the booking comes from the waiting list.
    _add(signed_in, group, waiting, place_type="urgent", from_waiting_list="on")
    assert Booking.objects.get(child=waiting).origin == "waiting_list"


def test_a_booking_on_the_day_plan_is_made_by_hand(signed_in, site, group):
    amal = _child(site, "Amal")
    _add(signed_in, group, amal)
    assert Booking.objects.get(child=amal).origin == "manual"
