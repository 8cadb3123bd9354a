"""Signals of the families app, for the apps that build on it.

The day plan (planning) turns settling-in sessions into bookings; families must not
import planning, so it announces the sessions instead.
"""

from django.dispatch import Signal

# Sent with `child` and `sessions` (the child's new list, possibly empty) after the
# settling-in sessions of a child were planned again or cleared.
settling_in_planned = Signal()
