"""Referrers hear back: one e-mail per status step, with no personal details beyond
the referral's number."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from referrals import rules
from referrals.models import Referral, ReferralStep, Status

# How long a sent step's mail is remembered, so a task delivered twice mails once. A
# redelivery comes within the broker's visibility timeout; a month is far beyond it.
STEP_MAIL_MEMORY_S = 60 * 60 * 24 * 31


def referral_step_recipient(referral: Referral) -> str:
    """The referrer's address: the contact person's, else the submitting user's."""
    if referral.contact is not None and referral.contact.email:
        return referral.contact.email
    if referral.submitted_by is not None:
        return referral.submitted_by.email
    return ""


def referral_step_mail(*, step_id: int) -> bool:
    """Tell the referrer that its referral moved on, in Dutch, once per step.

    The mail names the referral by its number only: no parent's or child's name, no birth
    date. Mail travels unencrypted and may be forwarded; the partner portal, behind the
    referrer's sign-in, holds the rest. Returns whether a mail was sent.
    """
    step = (
        ReferralStep.objects.select_related("referral__contact", "referral__submitted_by")
        .filter(pk=step_id)
        .first()
    )
    if step is None or step.status not in rules.REFERRER_HEARS:
        return False
    referral = step.referral
    recipient = referral_step_recipient(referral)
    if not recipient:
        return False
    # The claim comes before the send: a worker killed in between loses one mail rather
    # than sending one twice. A refused send gives the claim back for the retry.
    claim = f"referral-step-mail:{step.pk}"
    if not cache.add(claim, True, STEP_MAIL_MEMORY_S):
        return False
    link = settings.SITE_URL + reverse("referrals:portal_detail", args=[referral.pk])
    with translation.override("nl-be"):
        status = Status(step.status).label
        subject = _("Referral %(number)s: %(status)s") % {"number": referral.pk, "status": status}
        body = _(
            "Hello,\n\n"
            "Referral %(number)s, sent on %(sent)s, now has the status “%(status)s” "
            "(since %(date)s).\n\n"
            "Follow it in the partner portal:\n%(link)s\n\n"
            "Kind regards,\nElief"
        ) % {
            "number": referral.pk,
            "sent": referral.received_date.strftime("%d-%m-%Y"),
            "status": status,
            "date": step.date.strftime("%d-%m-%Y"),
            "link": link,
        }
    try:
        send_mail(subject, body, None, [recipient])
    except OSError:
        cache.delete(claim)
        raise
    return True
