"""The day plan's fragments: the booking form loaded when opened, and what a booking action
answers under htmx (the changed group's card, the totals and the hour strip) or without."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.calendar import public_holidays
from elief.models import Role
from planning.models import Booking
from tests.factories import (
    AbsenceCodeFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"hx-request": "true"}


def _day() -> dt.date:
    """A weekday ten days ahead that is no public holiday: the urgent reserve is held."""
    day = timezone.localdate() + dt.timedelta(days=10)
    while day.isoweekday() > 5 or public_holidays(day, day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _child(site, name):
    return ChildFactory(family=FamilyFactory(site=site), first_name=name)


def _populate(site, groups: int, children_per_group: int, day: dt.date) -> list:
    made = []
    for index in range(groups):
        group = GroupFactory(site=site, name=f"Groep {index}", capacity=14)
        made.append(group)
        for child_index in range(children_per_group):
            Booking.objects.create(
                child=_child(site, f"Kind{index}-{child_index}"),
                group=group,
                date=day,
                start=dt.time(8),
                end=dt.time(16),
                place_type="occasional",
            )
    return made


def _form_url(group, day):
    return f"{reverse('planning:booking_add_form', args=[group.pk])}?dag={day.isoformat()}"


def _plan_url(site, day):
    return f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={day.isoformat()}"


def _add(client, group, child, day, **headers):
    return client.post(
        f"{reverse('planning:booking_add', args=[group.pk])}?dag={day.isoformat()}",
        {
            f"g{group.pk}-child": child.pk,
            f"g{group.pk}-start": "08:00",
            f"g{group.pk}-end": "16:00",
            f"g{group.pk}-place_type": "occasional",
        },
        headers=headers,
    )


def test_the_plan_renders_no_booking_form_until_one_is_opened(signed_in, site, group):
    day = _day()
    plan = signed_in.get(_plan_url(site, day)).content.decode()
    assert f'hx-get="{_form_url(group, day)}"' in plan
    assert 'class="add-form"' not in plan and f'name="g{group.pk}-start"' not in plan

    fragment = signed_in.get(_form_url(group, day), headers=HTMX)
    assert fragment.status_code == HTTPStatus.OK
    html = fragment.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<form method="post"')
    add_url = f"{reverse('planning:booking_add', args=[group.pk])}?dag={day.isoformat()}"
    assert f'hx-post="{add_url}"' in html and "csrfmiddlewaretoken" in html
    assert f'name="g{group.pk}-start" value="08:30"' in html
    assert f'<input type="hidden" name="dag" value="{day.isoformat()}">' in html


def test_each_row_says_what_the_booking_is_and_offers_what_it_allows(signed_in, site, group):
    day = _day()
    code = AbsenceCodeFactory(site=site, code="ziek", label="Ziek <koorts>")
    made = {}
    for name, place_type, outcome in (
        ("Amal", "regular", "planned"),
        ("Bo", "urgent", "planned"),
        ("Cas", "occasional", "excused"),
    ):
        made[name] = Booking.objects.create(
            child=_child(site, name),
            group=group,
            date=day,
            start=dt.time(8, 30),
            end=dt.time(12),
            place_type=place_type,
            outcome=outcome,
            absence_code=code if outcome == "excused" else None,
            settling_in=name == "Bo",
        )
    page = signed_in.get(_plan_url(site, day)).content.decode()

    def row(name):
        return page.split(f'id="booking-{made[name].pk}"', 1)[1].split("</tr>", 1)[0]

    detail = reverse("planning:booking_detail", args=[made["Amal"].pk])
    assert f'<a href="{detail}">Amal {made["Amal"].child.last_name}</a>' in row("Amal")
    assert "<td>08:30–12:00</td>" in row("Amal") and '<td class="num">0,90</td>' in row("Amal")
    assert '<span class="badge regular">vast</span>' in row("Amal")
    # A regular place cannot be made urgent; an urgent one can be made occasional again.
    assert "dringend/" not in row("Amal") and "annuleren/" in row("Amal")
    assert ">Niet dringend</button>" in row("Bo") and ">wennen</span>" in row("Bo")
    assert 'hx-confirm="Boeking van Bo annuleren?"' in row("Bo")
    # A settled row says why, escaped, and offers no action.
    assert "<td>verwittigd afwezig · Ziek &lt;koorts&gt;</td>" in row("Cas")
    assert "row-actions" not in row("Cas")


def test_a_rows_values_are_escaped_and_never_read_as_markup_or_placeholders(signed_in, site, group):
    day = _day()
    booking = Booking.objects.create(
        child=ChildFactory(
            family=FamilyFactory(site=site), first_name='{pk}<b>"', last_name="{csrf_input}&"
        ),
        group=group,
        date=day,
        start=dt.time(8, 30),
        end=dt.time(12),
        place_type="occasional",
        override_reason="<script>{version}</script>",
    )
    page = signed_in.get(_plan_url(site, day)).content.decode()
    row = page.split(f'id="booking-{booking.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "{pk}&lt;b&gt;&quot; {csrf_input}&amp;</a>" in row
    assert 'title="&lt;script&gt;{version}&lt;/script&gt;"' in row
    assert 'hx-confirm="Boeking van {pk}&lt;b&gt;&quot; annuleren?"' in row
    assert "<b>" not in row and "<script>" not in row


def test_without_javascript_the_form_opens_in_the_plan(signed_in, site, group):
    day = _day()
    response = signed_in.get(_form_url(group, day))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{_plan_url(site, day)}&boeken={group.pk}#group-{group.pk}"
    page = signed_in.get(response.url).content.decode()
    assert "<html" in page
    card = page.split(f'id="group-{group.pk}"', 1)[1]
    assert '<details class="add-booking" open>' in card
    assert f'name="g{group.pk}-start" value="08:30"' in card


def test_a_refused_booking_answers_with_its_form_alone(signed_in, site):
    day = _day()
    group = GroupFactory(site=site, name="Vlinders", capacity=1, urgent_reserve=0)
    Booking.objects.create(
        child=_child(site, "Amal"),
        group=group,
        date=day,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    response = _add(signed_in, group, _child(site, "Bo"), day, **HTMX)
    body = response.content.decode()
    assert response["HX-Retarget"] == f"#add-form-{group.pk}"
    assert body.lstrip().startswith('<form method="post"') and body.count("<form ") == 1
    assert f'id="add-form-{group.pk}"' in body and 'class="alert error refusal"' in body
    assert "card group" not in body and "plan-summary" not in body
    assert not Booking.objects.filter(child__first_name="Bo").exists()


def test_a_form_with_errors_answers_alone_and_keeps_what_was_typed(signed_in, site, group):
    day = _day()
    response = signed_in.post(
        f"{reverse('planning:booking_add', args=[group.pk])}?dag={day.isoformat()}",
        {f"g{group.pk}-start": "09:15", f"g{group.pk}-end": "12:00"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response["HX-Retarget"] == f"#add-form-{group.pk}"
    assert 'class="error"' in body and f'name="g{group.pk}-start" value="09:15"' in body
    assert "card group" not in body


def test_another_sites_coordinator_cannot_open_the_booking_form(client, site, group):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Noord")]))
    for headers in (HTMX, {}):
        response = client.get(_form_url(group, _day()), headers=headers)
        assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
def test_other_roles_cannot_open_the_booking_form(client, site, group, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    assert client.get(_form_url(group, _day()), headers=HTMX).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("children", [2, 12])
def test_the_booking_form_needs_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    day = _day()
    group = _populate(site, 2, children, day)[0]
    # Session, user, the group with its site.
    with django_assert_num_queries(3):
        response = signed_in.get(_form_url(group, day), headers=HTMX)
    assert 'class="add-form"' in response.content.decode()


@pytest.mark.parametrize("children", [2, 12])
def test_an_accepted_booking_answers_with_its_card_and_the_totals(
    signed_in, site, children, django_assert_num_queries
):
    day = _day()
    groups = _populate(site, 3, children, day)
    child = _child(site, "Extra")
    # 15: the plan is built on the figures the booking was judged on, not read again.
    with django_assert_num_queries(15):
        response = _add(signed_in, groups[1], child, day, **HTMX)
    body = response.content.decode()
    assert Booking.objects.filter(child=child, date=day, group=groups[1]).exists()
    # The group's card in place, the totals and hour strip out of band, nothing else.
    assert body.lstrip().startswith(f'<section class="card group" id="group-{groups[1].pk}"')
    assert body.count('<section class="card group"') == 1
    summary = body.split('<section id="plan-summary"', 1)[1]
    assert summary.startswith(' class="summary card"') and 'hx-swap-oob="true"' in summary
    assert 'class="strip"' in summary
    assert f"<dd>{3 * children + 1}</dd>" in summary  # booked over the site
    assert "<html" not in body and 'id="plan"' not in body


def test_an_accepted_bookings_card_is_the_card_the_plan_shows_after_it(signed_in, site, group):
    # The answer adds the new booking to the figures it was judged on: the card must read
    # as the plan read afresh, rows in the same order and figures the same.
    day = _day()
    AbsenceCodeFactory(site=site, code="ziek", label="Ziek")
    for name, start, outcome in (
        ("Amal", dt.time(8), "planned"),
        ("Zoë", dt.time(8), "planned"),
        ("Bo", dt.time(7, 30), "no_show"),
        ("Noor", dt.time(9), "cancelled"),
    ):
        Booking.objects.create(
            child=_child(site, name),
            group=group,
            date=day,
            start=start,
            end=dt.time(16),
            place_type="occasional",
            outcome=outcome,
        )
    answer = _add(signed_in, group, _child(site, "Mila"), day, **HTMX).content.decode()
    plan = signed_in.get(_plan_url(site, day), headers=HTMX).content.decode()

    def card(html):
        section = html.split(f'<section class="card group" id="group-{group.pk}"', 1)[1]
        section = section.split("</section>", 1)[0]
        # The message of the answer and the CSRF tokens differ; the rest must not.
        section = re.sub(r'<div class="message.*?</div>', "", section, flags=re.S)
        section = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section)
        return " ".join(section.split())

    assert "Mila" in card(answer)
    assert card(answer) == card(plan)
    summary = answer.split('<section id="plan-summary"', 1)[1].split("</section>", 1)[0]
    assert summary.replace(' hx-swap-oob="true"', "") in plan


def test_names_sort_as_read_and_a_new_booking_lands_where_the_plan_shows_it(signed_in, site, group):
    # Case and accents aside, as a reader sorts: not by the database's collation, which
    # differs between SQLite, this PostgreSQL and a container's.
    day = _day()
    for name in ("zoë", "Émile", "eva", "Bram"):
        Booking.objects.create(
            child=_child(site, name),
            group=group,
            date=day,
            start=dt.time(8),
            end=dt.time(16),
            place_type="occasional",
        )
    answer = _add(signed_in, group, _child(site, "Élise"), day, **HTMX).content.decode()
    plan = signed_in.get(_plan_url(site, day), headers=HTMX).content.decode()

    def names(html):
        section = html.split(f'id="group-{group.pk}"', 1)[1].split("</section>", 1)[0]
        return re.findall(r'<td><a href="[^"]*">(\w+) ', section)

    assert names(plan) == ["Bram", "Élise", "Émile", "eva", "zoë"]
    assert names(answer) == names(plan)


def test_without_javascript_a_booking_returns_to_the_whole_plan(signed_in, site, group):
    day = _day()
    child = _child(site, "Amal")
    response = _add(signed_in, group, child, day)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == _plan_url(site, day)
    page = signed_in.get(response.url).content.decode()
    assert "<html" in page and "Amal" in page and "geboekt" in page


@pytest.mark.parametrize("children", [2, 12])
def test_a_move_answers_with_both_cards_in_a_fixed_number_of_queries(
    signed_in, site, children, django_assert_num_queries
):
    day = _day()
    groups = _populate(site, 3, children, day)
    booking = Booking.objects.filter(group=groups[0], date=day).order_by("pk").first()
    with django_assert_num_queries(24):
        response = signed_in.post(
            f"{reverse('planning:booking_move', args=[booking.pk])}?dag={day}",
            {"version": 1, "group": groups[2].pk, "day": day, "start": "09:00", "end": "15:00"},
            headers=HTMX,
        )
    body = response.content.decode()
    assert body.count('<section class="card group"') == 2
    assert f'id="group-{groups[1].pk}"' not in body
    assert '<section id="plan-summary"' in body
