"""Signals of the families app, for the apps that build on it.

The day plan (planning) turns settling-in sessions into bookings; families must not
import planning, so it announces the sessions instead.
"""

from django.dispatch import Signal

# Sent with `child` and `sessions` (the child's new list, possibly empty) after the
# settling-in sessions of a child were planned again or cleared.
settling_in_planned = Signal()

# Sent with `family` and `children` (the family's Child rows) inside the transaction that
# erases a family, before it commits: the apps that build on families (bookings, waiting
# list, referrals) erase what they hold about the family in the same transaction, so an
# erasure is whole or not at all.
family_erasing = Signal()
