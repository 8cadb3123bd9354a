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

# Sent with `plan` and `proposal` (a dict: kind, start, end, pattern, group_id and, when
# the family leaves, left_on) before a
# change of a care plan is applied. The day plan answers with what the change would do
# to the plan's future bookings (an object with `regular`, `add`, `change`, `remove`,
# `others` and `is_empty`), so the coordinator sees it first.
care_plan_preview_requested = Signal()

# Sent inside the transaction that applied an accepted change of a care plan, with
# `plan`, `user`, `group_id` (or None: the bookings keep their group) and `include` (the
# pks of bookings of another origin the coordinator ticked to follow the plan too).
care_plan_applied = Signal()
