import datetime as dt
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from families.models import FamilyAccess
from parents import services
from parents.models import ParentLink, ParentReminder, ParentRequest
from planning.history import change_sentence
from planning.models import BookingChange
from tests.factories import (
    AbsenceCodeFactory,
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GuardianFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _next_open_day(site, after):
    day = after + dt.timedelta(days=1)
    while not site.is_open_on(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def family(site):
    family = FamilyFactory(site=site)
    GuardianFactory(family=family, home_languages="Arabisch; Nederlands", email="ouder@example.org")
    return family


@pytest.fixture
def child(family):
    return ChildFactory(family=family, first_name="Amal")


@pytest.fixture
def booking(group, child):
    AbsenceCodeFactory(site=group.site, code="ziek")
    AbsenceCodeFactory(site=group.site, code="andere")
    day = _next_open_day(group.site, timezone.localdate())
    return BookingFactory(group=group, child=child, date=day)


@pytest.fixture
def token(family):
    return services.parent_link_create(family=family, user=None).token


def _home(token):
    return reverse("parents:home", args=[token])


def test_the_link_shows_the_familys_children_in_the_familys_language(client, token, booking):
    response = client.get(_home(token))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == "ar"
    assert b'dir="rtl"' in response.content
    assert "Amal" in response.content.decode()


def test_it_stores_only_the_hash_of_the_token(token):
    link = ParentLink.objects.get()
    assert token not in link.token_hash
    assert len(token) >= 43  # 32 random bytes


def test_the_language_can_be_switched_by_a_link(client, token, booking):
    response = client.get(_home(token), {"lang": "pl"})
    assert response["Content-Language"] == "pl"
    assert b'dir="rtl"' not in response.content


def test_link_pages_send_no_referrer_and_are_not_cached(client, token, booking):
    for response in (client.get(_home(token)), client.get(_home("wrong-token"))):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]


def test_a_wrong_expired_or_revoked_token_gets_the_same_404(client, family, token):
    missing = client.get(_home("x" * 43))
    ParentLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get(_home(token))
    revoked_token = services.parent_link_create(family=family, user=None).token
    services.parent_link_revoke(family=family)
    revoked = client.get(_home(revoked_token))
    assert {r.status_code for r in (missing, expired, revoked)} == {HTTPStatus.NOT_FOUND}
    assert missing.content == expired.content == revoked.content


def test_renewing_stops_the_old_link(client, family, token):
    new = services.parent_link_create(family=family, user=None).token
    assert client.get(_home(token)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(_home(new)).status_code == HTTPStatus.OK


def test_wrong_tokens_are_rate_limited_per_address(client, settings, token):
    settings.PARENT_LINK_FAILURES_PER_ADDRESS = 3
    for _ in range(3):
        assert client.get(_home("guess")).status_code == HTTPStatus.NOT_FOUND
    # Locked: even the right link waits, so guessing cannot go on.
    assert client.get(_home(token)).status_code == HTTPStatus.TOO_MANY_REQUESTS
    other = client.get(_home(token), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == HTTPStatus.OK


def test_one_familys_link_never_shows_another_familys_child(client, site, group, token, booking):
    other = ChildFactory(family=FamilyFactory(site=site), first_name="Zoltan")
    other_booking = BookingFactory(group=group, child=other, date=booking.date)
    response = client.get(_home(token))
    assert "Zoltan" not in response.content.decode()
    url = reverse("parents:absence", args=[token, other_booking.pk])
    assert client.post(url, {"code": "ziek"}).status_code == HTTPStatus.NOT_FOUND
    other_booking.refresh_from_db()
    assert other_booking.outcome == "planned"


def test_every_use_is_logged_as_a_read_of_the_family(client, family, token, booking):
    client.get(_home(token))
    access = FamilyAccess.objects.get()
    assert (access.family, access.user, access.what) == (family, None, "view")


def test_a_parent_reports_a_sick_day_and_the_history_says_so(client, token, booking):
    url = reverse("parents:absence", args=[token, booking.pk])
    response = client.post(url, {"code": "ziek"})
    assert response.status_code == HTTPStatus.FOUND
    booking.refresh_from_db()
    assert (booking.outcome, booking.absence_code.code) == ("excused", "ziek")
    change = BookingChange.objects.filter(booking=booking).latest("pk")
    assert change.user is None and change.after["by"] == "parent"
    assert "door ouder via link" in change_sentence(change, today=timezone.localdate())


def test_an_absence_after_opening_time_is_refused(token, booking):
    opening = dt.datetime.combine(booking.date, booking.group.site.opens)
    with pytest.raises(ValidationError):
        services.parent_absence_report(
            booking=booking, code="ziek", now=timezone.make_aware(opening)
        )


def test_a_parent_confirms_tomorrows_booking(client, token, booking):
    booking.date = timezone.localdate() + dt.timedelta(days=1)
    booking.save()
    response = client.post(reverse("parents:confirm", args=[token, booking.pk]))
    assert response.status_code == HTTPStatus.FOUND
    change = BookingChange.objects.get(booking=booking, action="confirmed")
    assert change.after["by"] == "parent"


def test_a_request_lands_in_the_queue_and_is_booked_on_acceptance(
    client, site, group, token, child, coordinator
):
    day = _next_open_day(site, timezone.localdate() + dt.timedelta(days=3))
    response = client.post(
        reverse("parents:ask", args=[token]),
        {"child": child.pk, "day": day.isoformat(), "start": "09:00", "end": "15:00"},
    )
    assert response.status_code == HTTPStatus.FOUND
    wish = ParentRequest.objects.get()
    client.force_login(coordinator)
    queue = client.get(reverse("parents:request_list", args=[site.pk]))
    assert queue.status_code == HTTPStatus.OK
    assert queue.context["queued"][0].acceptance.accepted
    client.post(reverse("parents:request_accept", args=[wish.pk]), {"group": group.pk})
    wish.refresh_from_db()
    assert wish.status == "accepted"
    assert (wish.booking.origin, wish.booking.date) == ("request", day)


def test_another_sites_coordinator_gets_404_on_the_queue(client, site):
    other = UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Ander")])
    client.force_login(other)
    assert client.get(reverse("parents:request_list", args=[site.pk])).status_code == 404


def test_the_coordinator_makes_a_link_and_sees_it_once_with_its_qr_code(
    client, family, coordinator
):
    client.force_login(coordinator)
    response = client.post(reverse("parents:link_create", args=[family.pk]), {"send": "email"})
    assert response.status_code == HTTPStatus.OK
    assert b"data:image/svg+xml;base64," in response.content
    url = response.context["url"]
    assert url in mail.outbox[0].body
    token = url.rstrip("/").rsplit("/", 1)[-1]
    client.logout()
    assert client.get(_home(token)).status_code == HTTPStatus.OK


def test_the_family_page_has_the_parent_link_section(client, family, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("families:family_detail", args=[family.pk]))
    assert b'id="ouderlink"' in response.content


def test_revoking_asks_first_then_stops_the_link(client, family, token, coordinator):
    client.force_login(coordinator)
    url = reverse("parents:link_revoke", args=[family.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    assert ParentLink.objects.get().revoked_at is None
    client.post(url)
    client.logout()
    assert client.get(_home(token)).status_code == HTTPStatus.NOT_FOUND


def test_the_command_prints_a_new_link(family, token, capsys):
    call_command("parent_link", "--site", family.site.name, "--family", family.reference)
    out, err = capsys.readouterr()
    assert "/ouder/" in out and "no longer works" in err
    assert ParentLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_reminder_mail_has_a_link_that_confirms_the_booking(client, group, child):
    # The evening job reminds tomorrow's bookings, and tomorrow's may be confirmed: the
    # booking is tomorrow's whatever weekday the test runs on (the next open day may be
    # two or three days on, which a parent confirms only the evening before).
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    booking = BookingFactory(group=group, child=child, date=tomorrow)
    handled = services.reminders_send(day=tomorrow, base_url="http://testserver")
    assert handled == 1
    assert services.reminders_send(day=tomorrow, base_url="http://testserver") == 0
    (message,) = mail.outbox
    url = next(word for word in message.body.split() if word.startswith("http://testserver"))
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    client.post(url, {"action": "confirm"})
    assert BookingChange.objects.filter(booking=booking, action="confirmed").exists()
    assert ParentReminder.objects.get(booking=booking).by_email


def test_families_without_a_channel_are_listed_to_phone(client, site, group, coordinator):
    silent = FamilyFactory(site=site, reference="STIL")
    GuardianFactory(family=silent, email="", phone="")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    BookingFactory(group=group, child=ChildFactory(family=silent), date=tomorrow)
    client.force_login(coordinator)
    response = client.get(reverse("parents:request_list", args=[site.pk]))
    assert [f.reference for f in response.context["to_phone"]] == ["STIL"]
