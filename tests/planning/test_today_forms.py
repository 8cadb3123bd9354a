"""The forms of today's list that come when opened: a row's reasons of absence, a row's
correction of its times and a group's urgent child. Loaded into the list with htmx, on a
page of their own without JavaScript; scoped like the list; a fixed number of queries
whatever the children."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from planning import services
from planning.models import DEFAULT_ABSENCE_CODES, AbsenceCode, Booking
from tests.factories import (
    AbsenceCodeFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def site():
    return SiteFactory(name="Elief", opening_weekdays="1234567")


@pytest.fixture
def group(site):
    return GroupFactory(site=site, name="Vlinders", capacity=4)


@pytest.fixture
def staff_client(client, site):
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    return client


def _child(site, first_name, last_name="Peeters"):
    return ChildFactory(family=FamilyFactory(site=site), first_name=first_name, last_name=last_name)


def _booking(group, first_name, day, **fields):
    return Booking.objects.create(
        child=_child(group.site, first_name),
        group=group,
        date=day,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        **fields,
    )


def _absence_form(client, booking, *, htmx=True):
    url = reverse("planning:today_absence_form", args=[booking.pk])
    return client.get(url, headers=HTMX if htmx else {})


def _correct_form(client, booking, *, htmx=True):
    url = reverse("planning:today_correct_form", args=[booking.pk])
    return client.get(url, headers=HTMX if htmx else {})


def _urgent_form(client, site, group, *, htmx=True):
    url = reverse("planning:today_urgent", args=[site.pk, group.pk])
    return client.get(url, headers=HTMX if htmx else {})


# The reasons of absence


def test_the_list_links_each_expected_row_to_its_reasons(staff_client, site, group, today):
    booking = _booking(group, "Amal", today)
    here = _booking(group, "Bo", today, outcome="present", arrived=dt.time(8))
    content = staff_client.get(reverse("planning:today_site", args=[site.pk])).content.decode()
    url = reverse("planning:today_absence_form", args=[booking.pk])
    row = content.split(f'id="booking-{booking.pk}"')[1].split("</article>")[0]
    # Loaded when opened, with a link to the same form for a tablet without JavaScript.
    assert f'hx-get="{url}"' in row and f'href="{url}"' in row
    assert '<select id="absence-' not in content
    other = content.split(f'id="booking-{here.pk}"')[1].split("</article>")[0]
    assert "today_absence_form" not in other and "/afwezig/formulier/" not in other


def test_the_reasons_are_the_sites_codes(staff_client, site, group, today):
    booking = _booking(group, "Amal", today)
    AbsenceCodeFactory(site=site, code="vakantie", label="Vakantie")
    response = _absence_form(staff_client, booking)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" not in content
    assert content.lstrip().startswith('<form method="post"')
    absence = reverse("planning:today_absence", args=[booking.pk])
    assert f'hx-post="{absence}"' in content
    assert f'name="version" value="{booking.version}"' in content
    assert '<option value="vakantie">Vakantie</option>' in content
    assert '<option value="ziek">' not in content
    assert '<option value="no_show">' in content


def test_a_site_without_codes_is_offered_the_defaults_and_reading_writes_none(
    staff_client, site, group, today
):
    booking = _booking(group, "Amal", today)
    content = _absence_form(staff_client, booking).content.decode()
    for code, label, _counts in DEFAULT_ABSENCE_CODES:
        assert f'<option value="{code}">{label}</option>' in content
    assert not AbsenceCode.objects.filter(site=site).exists()
    # The first absence recorded gives the site the codes it was offered.
    staff_client.post(
        reverse("planning:today_absence", args=[booking.pk]),
        {"version": booking.version, "code": "ziek"},
    )
    booking.refresh_from_db()
    assert booking.outcome == "excused" and booking.absence_code.code == "ziek"
    assert AbsenceCode.objects.filter(site=site).count() == len(DEFAULT_ABSENCE_CODES)


def test_the_reasons_on_a_page_of_their_own_without_javascript(staff_client, site, group, today):
    booking = _booking(group, "Amal", today)
    services.absence_codes_ensure(site=site)
    response = _absence_form(staff_client, booking, htmx=False)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" in content
    assert "Afwezigheid van Amal" in content
    # A plain form back to the list: no htmx target to swap into on this page.
    absence = reverse("planning:today_absence", args=[booking.pk])
    assert f'action="{absence}"' in content and "hx-post" not in content
    assert f'href="{reverse("planning:today_site", args=[site.pk])}"' in content
    response = staff_client.post(absence, {"version": booking.version, "code": "ziek"})
    assert response.status_code == HTTPStatus.FOUND
    assert Booking.objects.get(pk=booking.pk).outcome == "excused"


def test_the_reasons_of_another_sites_booking_are_not_found(client, site, group, today):
    booking = _booking(group, "Amal", today)
    client.force_login(UserFactory(role=Role.STAFF, sites=[SiteFactory(name="Elief Noord")]))
    assert _absence_form(client, booking).status_code == HTTPStatus.NOT_FOUND
    assert _absence_form(client, booking, htmx=False).status_code == HTTPStatus.NOT_FOUND


def test_the_reasons_of_another_days_booking_are_not_found(staff_client, group, today):
    booking = _booking(group, "Amal", today + dt.timedelta(days=1))
    assert _absence_form(staff_client, booking).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", [Role.BOARD, Role.REFERRER])
def test_other_roles_get_no_form(client, site, group, today, role):
    booking = _booking(group, "Amal", today)
    client.force_login(UserFactory(role=role))
    assert _absence_form(client, booking).status_code == HTTPStatus.FORBIDDEN
    assert _urgent_form(client, site, group).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("children", [2, 12])
def test_the_reasons_take_the_same_queries_whatever_the_children(
    staff_client, site, group, today, children, django_assert_num_queries
):
    services.absence_codes_ensure(site=site)
    bookings = [_booking(group, f"Kind{n}", today) for n in range(children)]
    # session, user, the booking (with its child, group and site), the site's codes.
    with django_assert_num_queries(4):
        _absence_form(staff_client, bookings[-1])


# The correction of a row's times


def test_the_list_links_each_row_with_times_to_its_correction(staff_client, site, group, today):
    here = _booking(group, "Bo", today, outcome="present", arrived=dt.time(8))
    left = _booking(group, "Cas", today, outcome="present", arrived=dt.time(8), left=dt.time(9))
    expected = _booking(group, "Amal", today)
    content = staff_client.get(reverse("planning:today_site", args=[site.pk])).content.decode()
    for booking in (here, left):
        url = reverse("planning:today_correct_form", args=[booking.pk])
        row = content.split(f'id="booking-{booking.pk}"')[1].split("</article>")[0]
        # Loaded when opened, with a link to the same form for a tablet without JavaScript.
        assert f'hx-get="{url}"' in row and f'href="{url}"' in row
        assert "data-attendance-correct" in row
    assert 'data-action="correct"' not in content and 'name="reason"' not in content
    row = content.split(f'id="booking-{expected.pk}"')[1].split("</article>")[0]
    assert "data-attendance-correct" not in row


def test_the_correction_form_comes_with_the_rows_times(staff_client, site, group, today):
    booking = _booking(group, "Bo", today, outcome="present", arrived=dt.time(8, 5))
    response = _correct_form(staff_client, booking)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" not in content
    assert content.lstrip().startswith('<form method="post"')
    correct = reverse("planning:attendance_correct", args=[booking.pk])
    assert f'action="{correct}"' in content
    assert f'name="version" value="{booking.version}"' in content
    assert f'id="arrived-{booking.pk}" type="time" name="arrived" value="08:05"' in content
    # The correction comes back to the list, not to the booking's page.
    list_url = reverse("planning:today_site", args=[site.pk])
    assert f'name="next" value="{list_url}"' in content


def test_the_correction_on_a_page_of_its_own_without_javascript(staff_client, site, group, today):
    booking = _booking(group, "Bo", today, outcome="present", arrived=dt.time(8))
    response = _correct_form(staff_client, booking, htmx=False)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" in content
    assert "Uren van Bo verbeteren" in content
    list_url = reverse("planning:today_site", args=[site.pk])
    response = staff_client.post(
        reverse("planning:attendance_correct", args=[booking.pk]),
        {
            "version": booking.version,
            "arrived": "08:10",
            "left": "",
            "reason": "Te vroeg getikt",
            "next": list_url,
        },
    )
    assert response.status_code == HTTPStatus.FOUND and response.url == list_url
    assert Booking.objects.get(pk=booking.pk).arrived == dt.time(8, 10)


def test_the_correction_of_another_sites_or_days_booking_is_not_found(client, site, group, today):
    booking = _booking(group, "Bo", today, outcome="present", arrived=dt.time(8))
    other_day = _booking(group, "Cas", today - dt.timedelta(days=1), outcome="present")
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    assert _correct_form(client, other_day).status_code == HTTPStatus.NOT_FOUND
    client.force_login(UserFactory(role=Role.STAFF, sites=[SiteFactory(name="Elief Noord")]))
    assert _correct_form(client, booking).status_code == HTTPStatus.NOT_FOUND
    assert _correct_form(client, booking, htmx=False).status_code == HTTPStatus.NOT_FOUND
    client.force_login(UserFactory(role=Role.BOARD))
    assert _correct_form(client, booking).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("children", [2, 12])
def test_the_correction_takes_the_same_queries_whatever_the_children(
    staff_client, site, group, today, children, django_assert_num_queries
):
    bookings = [
        _booking(group, f"Kind{n}", today, outcome="present", arrived=dt.time(8))
        for n in range(children)
    ]
    # session, user, the booking (with its child, group and site).
    with django_assert_num_queries(3):
        _correct_form(staff_client, bookings[-1])


# The urgent child


def test_the_list_links_each_group_to_its_urgent_form(staff_client, site, group, today):
    content = staff_client.get(reverse("planning:today_site", args=[site.pk])).content.decode()
    url = reverse("planning:today_urgent", args=[site.pk, group.pk])
    if not site.is_open_on(today):
        assert url not in content  # a public holiday: nobody is added
        return
    assert f'hx-get="{url}"' in content and f'href="{url}"' in content
    assert "data-urgent-form" not in content


def test_the_urgent_form_offers_the_children_not_booked_today(staff_client, site, group, today):
    _booking(group, "Amal", today)
    cancelled = _booking(group, "Bo", today, outcome="cancelled")
    noor = _child(site, "Noor", "Aerts")
    _child(SiteFactory(name="Elief Noord"), "Lina")
    response = _urgent_form(staff_client, site, group)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" not in content
    assert "data-urgent-form" in content and 'hx-target="#today-board"' in content
    assert f'<option value="{noor.pk}">Noor Aerts</option>' in content
    assert f'<option value="{cancelled.child.pk}">Bo Peeters</option>' in content
    assert "Amal Peeters" not in content and "Lina" not in content
    assert f'name="urgent-{group.pk}-end"' in content and f'value="{site.closes:%H:%M}"' in content


def test_the_urgent_form_on_a_page_of_its_own_without_javascript(staff_client, site, group):
    noor = _child(site, "Noor", "Aerts")
    response = _urgent_form(staff_client, site, group, htmx=False)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" in content
    assert "Vlinders" in content and f'<option value="{noor.pk}">Noor Aerts</option>' in content
    url = reverse("planning:today_urgent", args=[site.pk, group.pk])
    assert f'action="{url}"' in content and "hx-post" not in content


def test_the_urgent_form_of_another_sites_group_is_not_found(client, site, group):
    client.force_login(UserFactory(role=Role.STAFF, sites=[SiteFactory(name="Elief Noord")]))
    assert _urgent_form(client, site, group).status_code == HTTPStatus.NOT_FOUND
    other = GroupFactory(site=SiteFactory(name="Elief Zuid"))
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    assert _urgent_form(client, site, other).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("children", [2, 12])
def test_the_urgent_form_takes_the_same_queries_whatever_the_children(
    staff_client, site, group, today, children, django_assert_num_queries
):
    for n in range(children):
        _booking(group, f"Kind{n}", today)
        _child(site, f"Vrij{n}")
    # session, user, the site, the group, the children not booked today.
    with django_assert_num_queries(5):
        content = _urgent_form(staff_client, site, group).content.decode()
    assert content.count("<option") == children + 1
