"""Writes of the parents' app: links, what parents do through them, requests, reminders."""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers, send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from elief.models import Site, User
from families.models import Child, Family
from parents import rules
from parents.models import ParentLink, ParentReminder, ParentRequest
from parents.sms import SmsError, send_sms
from planning import rules as planning_rules
from planning import services as planning_services
from planning.models import AbsenceCode, Booking, Group, Origin

logger = logging.getLogger(__name__)

REMINDER_SALT = "parents.reminder"
# A reminder goes out the evening before; its key is of no use after the day.
REMINDER_MAX_AGE = 3 * 24 * 3600


# Links


@dataclass(frozen=True)
class NewLink:
    link: ParentLink
    token: str  # shown once: only its hash is stored


@transaction.atomic
def parent_link_create(
    *, family: Family, user: User | None, now: dt.datetime | None = None
) -> NewLink:
    """A new personal link for the family; the link it had stops working."""
    now = now or timezone.now()
    # Two coordinators renewing at once: lock the family so one live link remains.
    Family.objects.select_for_update().filter(pk=family.pk).values_list("pk").get()
    family.parent_links.filter(revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = ParentLink(
        family=family,
        token_hash=rules.token_hash(token),
        created_at=now,
        created_by=user,
        expires_at=now + dt.timedelta(days=settings.PARENT_LINK_DAYS),
    )
    link.full_clean()
    link.save()
    return NewLink(link=link, token=token)


@transaction.atomic
def parent_link_revoke(*, family: Family, now: dt.datetime | None = None) -> int:
    """Stop the family's link; returns how many live links were revoked."""
    return family.parent_links.filter(revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def parent_link_used(*, link: ParentLink, now: dt.datetime | None = None) -> None:
    ParentLink.objects.filter(pk=link.pk).update(last_used_at=now or timezone.now())


def family_language(family: Family) -> str:
    """The language the family's page and messages open in."""
    languages = [language for guardian in family.guardians.all() for language in guardian.languages]
    return rules.parent_language(
        languages,
        available=[code for code, _name in settings.PARENT_LANGUAGES],
        default=settings.LANGUAGE_CODE,
    )


def _link_message(*, family: Family, url: str) -> tuple[str, str]:
    with translation.override(family_language(family)):
        subject = _("Your personal link to Elief")
        body = _(
            "With this link you see your child's days at Elief, report that your child "
            "is sick and ask for a day. Keep it to yourself: it opens your family's page.\n\n"
            "%(url)s"
        ) % {"url": url}
    return subject, body


def parent_link_send(*, family: Family, url: str, email: bool, sms: bool) -> list[str]:
    """Send the link to the family's guardians; returns the channels that went out."""
    subject, body = _link_message(family=family, url=url)
    sent = []
    guardians = list(family.guardians.all())
    addresses = [g.email for g in guardians if g.email]
    if email and addresses:
        send_mail(subject, body, None, addresses)
        sent.append("email")
    phones = [g.phone for g in guardians if g.phone]
    if sms and phones:
        try:
            for phone in phones:
                send_sms(to=phone, body=body)
            sent.append("sms")
        except SmsError:
            logger.warning("A text message with a parent link could not be sent")
    return sent


# What a parent does through the link


def _parent_code(*, booking: Booking, code: str) -> AbsenceCode:
    if code not in rules.PARENT_ABSENCE_CODES:
        raise ValidationError(_("Choose sick or other."))
    site = booking.group.site
    found = AbsenceCode.objects.filter(site=site, code=code).first()
    if found is None:
        # A site configured before the default codes: give it them.
        planning_services.absence_codes_ensure(site=site)
        found = AbsenceCode.objects.get(site=site, code=code)
    return found


@transaction.atomic
def parent_absence_report(
    *, booking: Booking, code: str, now: dt.datetime | None = None
) -> Booking:
    """The booking becomes excused with the parent's code; its place is free at once."""
    now = timezone.localtime(now or timezone.now())
    site = booking.group.site
    if booking.outcome != planning_rules.PLANNED:
        raise ValidationError(_("This day can no longer be changed here."))
    if not rules.may_report_absence(day=booking.date, opens=site.opens, now=now):
        raise ValidationError(_("It is too late to report this day. Please call us."))
    return planning_services.booking_record_absence(
        booking=booking,
        version=None,
        user=None,
        absence_code=_parent_code(booking=booking, code=code),
        by=rules.BY_PARENT,
    )


@transaction.atomic
def parent_booking_confirm(*, booking: Booking, now: dt.datetime | None = None) -> Booking:
    today = timezone.localtime(now or timezone.now()).date()
    if booking.outcome != planning_rules.PLANNED or not rules.may_confirm(
        day=booking.date, today=today
    ):
        raise ValidationError(_("This day can no longer be changed here."))
    return planning_services.booking_confirm(booking=booking, user=None, by=rules.BY_PARENT)


@transaction.atomic
def parent_request_create(
    *,
    family: Family,
    child: Child,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    urgent: bool,
    now: dt.datetime | None = None,
) -> ParentRequest:
    if child.family_id != family.pk:
        raise ValidationError(_("Unknown child."))
    today = timezone.localtime(now or timezone.now()).date()
    if not today <= day <= today + dt.timedelta(days=92):
        raise ValidationError({"day": _("Choose a day in the coming three months.")})
    site = family.site
    if not site.is_open_on(day):
        raise ValidationError({"day": _("We are closed that day.")})
    site.check_opening_hours(start, end)
    request = ParentRequest(
        family=family, child=child, day=day, start=start, end=end, urgent=urgent
    )
    request.full_clean()
    request.save()
    return request


# The coordinator's answer


@transaction.atomic
def parent_request_accept(
    *,
    request: ParentRequest,
    group: Group,
    user: User,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Book the requested day through the acceptance rule (BookingRefused beyond it,
    unless a reason is given)."""
    request = (
        ParentRequest.objects.select_for_update().select_related("child__family").get(pk=request.pk)
    )
    if request.status != ParentRequest.Status.OPEN:
        raise ValidationError(_("This request has been answered already."))
    if group.site_id != request.family.site_id:
        raise ValidationError(_("Unknown group."))
    booking = planning_services.booking_create(
        child=request.child,
        group=group,
        day=request.day,
        start=request.start,
        end=request.end,
        place_type=planning_rules.URGENT if request.urgent else planning_rules.OCCASIONAL,
        user=user,
        override_reason=override_reason,
        origin=Origin.REQUEST,
        now=now,
    )
    request.status = ParentRequest.Status.ACCEPTED
    request.booking, request.decided_by, request.decided_at = booking, user, timezone.now()
    request.save(update_fields=["status", "booking", "decided_by", "decided_at"])
    return booking


@transaction.atomic
def parent_request_refuse(*, request: ParentRequest, user: User) -> ParentRequest:
    request = ParentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ParentRequest.Status.OPEN:
        raise ValidationError(_("This request has been answered already."))
    request.status = ParentRequest.Status.REFUSED
    request.decided_by, request.decided_at = user, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return request


# The evening reminder


def _reminder_text(*, booking: Booking, url: str) -> tuple[str, str]:
    family = booking.child.family
    with translation.override(family_language(family)):
        day = formats.date_format(booking.date, "l j F")
        subject = _("Tomorrow at Elief: %(name)s") % {"name": booking.child.first_name}
        body = _(
            "%(name)s is expected at Elief on %(day)s from %(start)s to %(end)s.\n"
            "Confirm, or tell us your child will not come:\n%(url)s"
        ) % {
            "name": booking.child.first_name,
            "day": day,
            "start": formats.time_format(booking.start, "TIME_FORMAT"),
            "end": formats.time_format(booking.end, "TIME_FORMAT"),
            "url": url,
        }
    return subject, body


def reminder_token(booking: Booking) -> str:
    """A signed key to one booking for its reminder: the message never holds the family's
    own link (only its hash is stored, and a printed link must keep working)."""
    return signing.dumps({"b": booking.pk}, salt=REMINDER_SALT)


def reminder_booking(token: str) -> Booking:
    """The booking a reminder's key opens; Http404 when it is wrong or older than 3 days."""
    try:
        booking_id = signing.loads(token, salt=REMINDER_SALT, max_age=REMINDER_MAX_AGE)["b"]
        return Booking.objects.select_related("group__site", "child__family").get(pk=booking_id)
    except (signing.BadSignature, KeyError, TypeError, Booking.DoesNotExist):
        raise Http404("No such reminder.") from None


def _reminders_claim(*, site_id: int, day: dt.date, now: dt.datetime) -> list[Booking]:
    """The site's planned bookings of `day` not yet reminded, each given its reminder row.

    The rows are written before anything is sent, so a booking is reminded once."""
    try:
        with transaction.atomic():
            # Two runs of the evening job at once (a retried task, a second worker): the
            # site's row makes the second wait, then it finds the first one's rows.
            Site.objects.select_for_update().filter(pk=site_id).values_list("pk").get()
            bookings = list(
                Booking.objects.filter(
                    group__site_id=site_id,
                    date=day,
                    outcome=planning_rules.PLANNED,
                    parent_reminder=None,
                )
                .select_related("child__family", "group")
                .prefetch_related("child__family__guardians")
                .order_by("child__family_id", "start")
            )
            ParentReminder.objects.bulk_create(
                ParentReminder(booking=booking, sent_at=now) for booking in bookings
            )
    except IntegrityError:
        # Where the row cannot be locked (SQLite), the unique booking still stops the
        # second run before it sends anything.
        return []
    return bookings


def _site_reminders_send(*, site_id: int, day: dt.date, base_url: str, now: dt.datetime) -> int:
    bookings = _reminders_claim(site_id=site_id, day=day, now=now)
    mails: list[tuple[int, EmailMessage]] = []
    emailed, texted = [], []
    for booking in bookings:
        guardians = list(booking.child.family.guardians.all())
        emails = [g.email for g in guardians if g.email]
        phones = [g.phone for g in guardians if g.phone]
        if not (emails or phones):
            continue
        url = base_url + reverse("parents:reminder", args=[reminder_token(booking)])
        subject, body = _reminder_text(booking=booking, url=url)
        if emails:
            mails.append((booking.pk, EmailMessage(subject, body, None, emails)))
        try:
            for phone in phones:
                send_sms(to=phone, body=body)
            if phones:
                texted.append(booking.pk)
        except SmsError:
            logger.warning("A reminder by text message could not be sent")
    try:
        if mails:
            # One connection for the site's messages, not one per message.
            with mailers.default as mailer:
                for booking_id, message in mails:
                    mailer.send_messages([message])
                    emailed.append(booking_id)
    finally:
        # Should the mail server fail halfway, the rows still say who was reached.
        ParentReminder.objects.filter(booking__in=emailed).update(by_email=True)
        ParentReminder.objects.filter(booking__in=texted).update(by_sms=True)
    return len(bookings)


def reminders_send(*, day: dt.date, base_url: str, now: dt.datetime | None = None) -> int:
    """Remind the families of `day`'s planned bookings, each booking once.

    Families without e-mail or phone get a row too, with neither channel, so the
    coordinator sees whom to phone. Site by site, in a fixed number of queries per site.
    Returns the number of bookings handled.
    """
    now = now or timezone.now()
    site_ids = (
        Booking.objects.filter(date=day, outcome=planning_rules.PLANNED, parent_reminder=None)
        .values_list("group__site_id", flat=True)
        .order_by("group__site_id")
        .distinct()
    )
    return sum(
        _site_reminders_send(site_id=site_id, day=day, base_url=base_url, now=now)
        for site_id in list(site_ids)
    )


def parent_link_is_live(*, family: Family) -> bool:
    return family.parent_links.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
