"""The ledger: payments received, and corrections that replace a wrong entry without
erasing it."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from elief import dates
from elief.models import User
from subsidies.models import LedgerEntry, Scheme


@transaction.atomic
def ledger_entry_create(
    *,
    scheme: Scheme,
    kind: str,
    period_start: dt.date,
    date: dt.date,
    amount_eur: Decimal,
    user: User | None,
    note: str = "",
    corrects: LedgerEntry | None = None,
) -> LedgerEntry:
    """Record a payment; with `corrects`, the entry that replaces a wrong one."""
    problems = {}
    for name, day in (("period_start", period_start), ("date", date)):
        if not dates.in_range(day):
            problems[name] = dates.range_message()
    if amount_eur < 0:
        # The kind says which way the money went (a repayment counts out); a correction
        # replaces the wrong entry with the right amount, so no amount is negative.
        problems["amount_eur"] = _("An amount is never negative: the kind says which way it went.")
    if corrects is not None and corrects.scheme_id != scheme.pk:
        problems["scheme"] = _("A correction stays with the scheme of the entry it corrects.")
    if problems:
        raise ValidationError(problems)
    if corrects is not None:
        # Two people correcting the same entry at once: the second waits, then finds it
        # corrected already and is refused, rather than forking the history.
        corrects = LedgerEntry.objects.select_for_update().get(pk=corrects.pk)
        if LedgerEntry.objects.filter(corrects=corrects).exists():
            raise ValidationError(
                _("This entry was corrected already; correct the latest entry instead.")
            )
    entry = LedgerEntry(
        scheme=scheme,
        kind=kind,
        period_start=period_start,
        date=date,
        amount_eur=amount_eur,
        note=note,
        corrects=corrects,
        created_by=user,
    )
    entry.full_clean()
    entry.save()
    return entry
