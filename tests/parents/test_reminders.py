"""The evening reminder: through a real SMTP server, its channels, its query count."""

import datetime as dt
import email
import email.policy
import smtplib
import socket
from http import HTTPStatus

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from parents import sms, tasks
from parents.models import ParentReminder
from planning.history import change_sentence
from planning.models import BookingChange
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


class _Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port, and Django's SMTP backend pointed at it."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "parents.sms.MemoryBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_the_reminder_reaches_a_real_smtp_server_and_its_link_confirms_the_booking(
    client, settings, smtp_server, group
):
    settings.SITE_URL = "http://testserver"
    family = FamilyFactory(site=group.site)
    GuardianFactory(family=family, home_languages="Turks", email="anne@example.org")
    child = ChildFactory(family=family, first_name="Amal")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    booking = BookingFactory(group=group, child=child, date=tomorrow)

    assert tasks.reminders_send() == 1

    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["anne@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    # In the family's language, Turkish here.
    assert message["Subject"] == "Yarın Elief'te: Amal"
    url = next(
        word for word in message.get_content().split() if word.startswith("http://testserver/")
    )
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == HTTPStatus.OK

    change = BookingChange.objects.filter(booking=booking).latest("pk")
    assert change.action == "confirmed" and change.after["by"] == "parent"
    sentence = change_sentence(change, today=timezone.localdate())
    assert "bevestigd" in sentence and "door ouder via link" in sentence
    reminder = ParentReminder.objects.get(booking=booking)
    assert (reminder.by_email, reminder.by_sms) == (True, False)


def test_when_the_mail_server_fails_halfway_the_rows_say_who_was_reached(smtp_server, group):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    bookings = []
    for address in ("eerst@example.org", "weg@example.org"):
        family = FamilyFactory(site=group.site)
        GuardianFactory(family=family, email=address, phone="")
        bookings.append(
            BookingFactory(group=group, child=ChildFactory(family=family), date=tomorrow)
        )
    smtp_server.refused.add("weg@example.org")

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        tasks.reminders_send()

    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["eerst@example.org"]]
    reached = [ParentReminder.objects.get(booking=b).by_email for b in bookings]
    assert reached == [True, False]
    # The next run sends neither again.
    assert tasks.reminders_send() == 0


def test_each_family_is_reached_by_the_channels_it_has(mailoutbox, sms_outbox, group):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    bookings = {}
    for name, mail, phone in (
        ("mail", "mail@example.org", ""),
        ("phone", "", "+32470000001"),
        ("both", "both@example.org", "+32470000002"),
        ("none", "", ""),
    ):
        family = FamilyFactory(site=group.site)
        GuardianFactory(family=family, email=mail, phone=phone)
        bookings[name] = BookingFactory(
            group=group, child=ChildFactory(family=family), date=tomorrow
        )

    assert tasks.reminders_send() == 4

    reached = {
        name: (reminder.by_email, reminder.by_sms)
        for name, booking in bookings.items()
        for reminder in [ParentReminder.objects.get(booking=booking)]
    }
    assert reached == {
        "mail": (True, False),
        "phone": (False, True),
        "both": (True, True),
        "none": (False, False),
    }
    assert sorted(m.to[0] for m in mailoutbox) == ["both@example.org", "mail@example.org"]
    assert sorted(m["to"] for m in sms_outbox) == ["+32470000001", "+32470000002"]
    # A second evening run finds nothing left to send.
    assert tasks.reminders_send() == 0
    assert len(mailoutbox) == 2


def _sites_with_bookings(*, sites: int, per_site: int) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for _ in range(sites):
        group = GroupFactory(site=SiteFactory())
        for n in range(per_site):
            family = FamilyFactory(site=group.site)
            # Every site has a family with e-mail and one with a phone, whatever its size.
            GuardianFactory(
                family=family,
                email="" if n % 3 == 2 else f"ouder{n}@example.org",
                phone="" if n % 3 == 1 else f"+3247000{n:04d}",
            )
            BookingFactory(group=group, child=ChildFactory(family=family), date=tomorrow)


@pytest.mark.parametrize("per_site", [1, 6])
def test_the_evening_job_runs_in_a_fixed_number_of_queries_per_site(
    django_assert_num_queries, mailoutbox, sms_outbox, per_site
):
    _sites_with_bookings(sites=2, per_site=per_site)
    # The sites to remind, then for each: lock, bookings, guardians, the reminder rows
    # (inside a savepoint), e-mail and text-message flags.
    with django_assert_num_queries(1 + 2 * 8):
        assert tasks.reminders_send() == 2 * per_site
    assert len(mailoutbox) == 2 * len([n for n in range(per_site) if n % 3 != 2])
