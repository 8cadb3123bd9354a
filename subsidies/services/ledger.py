"""The ledger: payments received, and corrections that replace a wrong entry without
erasing it."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
