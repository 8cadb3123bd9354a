"""Today's list read at once: what the staff's tablet shows of a site's day, group by group.

It is the page's own read model (planning.views.today draws it and attaches the forms), so
it lives apart from planning.selectors: a fixed number of queries whatever the children.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from elief.links import url_for_each
from elief.models import Site, User
from families.models import Child
from planning import rules, selectors
from planning.models import (
    DEFAULT_ABSENCE_CODES,
    AbsenceCode,
    Booking,
    BookingChange,
    Group,
    PlaceType,
    Shift,
)


def page_url(site: Site, anchor: str = "") -> str:
    url = reverse("planning:today_site", args=[site.pk])
    return f"{url}#{anchor}" if anchor else url


# What a row of the list reads of a booking, its child and its reason of absence.
ROW_FIELDS = (
    "pk",
    "group_id",
    "start",
    "end",
    "place_type",
    "outcome",
    "arrived",
    "left",
    "settling_in",
    "version",
    "absence_code__label",
    "child__first_name",
    "child__last_name",
    "child__allergies",
    "child__diet",
    "child__pickup_persons",
    "child__staff_notes",
)


@dataclass(slots=True)
class ChildOfRow:
    first_name: str
    last_name: str
    allergies: str
    diet: str
    pickup_persons: str
    staff_notes: str


@dataclass(slots=True)
class RowToday:
    """A booking as a row of the list draws it, read as plain values: a model instance
    per row (and per child) cost more than the page needs. site_today sets the rest once:
    the row's words, buttons and links."""

    pk: int
    group_id: int
    start: dt.time
    end: dt.time
    place_type: str
    outcome: str
    arrived: dt.time | None
    left: dt.time | None
    settling_in: bool
    version: int
    absence_label: str | None
    child: ChildOfRow
    status: str = ""
    times: str = ""
    place_label: str = ""
    state_text: str = ""
    state_class: str = ""
    action: str = ""
    action_url: str = ""
    action_label: str = ""
    action_class: str = ""
    undo_label: str = ""
    can_undo: bool = False
    correctable: bool = False
    to_settle: bool = False
    after_closing: bool = False
    undo_url: str = ""
    absence_form_url: str = ""
    correct_form_url: str = ""
    # Set by the view that answers a tap: why the tap was refused.
    error: str = ""

    @classmethod
    def of(cls, values: tuple) -> "RowToday":
        *booking, first_name, last_name, allergies, diet, pickup, notes, last_tap = values
        row = cls(*booking, ChildOfRow(first_name, last_name, allergies, diet, pickup, notes))
        # The booking's last change within the undo window, when it is a check-in or out.
        row.can_undo = last_tap in rules.UNDOABLE_ACTIONS
        return row


@dataclass
class GroupToday:
    group: Group
    live: list[RowToday]
    absent: list[RowToday]
    present_now: int
    to_come: int
    staff_needed: int
    staff_on_shift: int
    urgent_url: str = ""
    # The rows as HTML, set by planning.today_rows.draw_group_rows for the groups drawn.
    live_html: str = ""
    absent_html: str = ""
    # Drawn in the page only when it comes back with an error; else loaded when opened.
    urgent_form: forms.Form | None = None

    @property
    def capacity(self) -> int:
        return self.group.capacity

    @property
    def over_capacity(self) -> bool:
        return self.present_now > self.group.capacity

    @property
    def expected(self) -> int:
        return self.present_now + self.to_come

    @property
    def over_capacity_expected(self) -> bool:
        """More children here and still to come than places: an urgent child added beyond
        the capacity (with a reason) shows at once, not only when the last one is in."""
        return not self.over_capacity and self.expected > self.group.capacity

    @property
    def staff_short(self) -> bool:
        return self.staff_on_shift < self.staff_needed


@dataclass
class SiteToday:
    site: Site
    day: dt.date
    now: dt.datetime
    is_open: bool
    closed_reason: str
    ratio: int
    groups: list[GroupToday]
    present_now: int = 0
    staff_needed: int = 0
    staff_on_shift: int = 0
    interns_on_shift: int = 0
    bookings: dict[int, RowToday] = field(default_factory=dict)
    page_url: str = ""
    # Bookings still planned, or present without a departure, once the site has closed.
    to_settle: int = 0
    # The words every row repeats, translated once for the page (see row_labels).
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def staff_short(self) -> bool:
        return self.staff_on_shift < self.staff_needed

    def group_of(self, booking: Booking | RowToday) -> GroupToday:
        return next(g for g in self.groups if g.group.pk == booking.group_id)


def is_here(booking: Booking | RowToday) -> bool:
    return booking.outcome == rules.PRESENT and booking.left is None


def is_absent(booking: Booking | RowToday) -> bool:
    return booking.outcome in (rules.EXCUSED, rules.NO_SHOW)


def _status(booking: RowToday) -> str:
    if booking.outcome == rules.PRESENT:
        return "present" if booking.left is None else "left"
    return booking.outcome


def row_labels() -> dict[str, str]:
    """The words every row of the list repeats, translated once per page, not per row."""
    return {
        "expected": _("Expected"),
        "settling_in": _("settling in"),
        "allergies": _("Allergies"),
        "pickup_and_notes": _("Pick-up and notes"),
        "pickup": _("Pick-up"),
        "diet": _("Diet"),
        "after_closing": _("after closing time: correct the times"),
        "to_settle": _("to settle"),
        "absent_more": _("Absent…"),
        "absence_page": _("Record the absence on a page of its own"),
        "correct": _("Correct the times"),
        "correct_page": _("Correct the times on a page of its own"),
    }


def _state(booking: RowToday, labels: dict[str, str]) -> tuple[str, str]:
    """What a row says of the child today, and the class of its words."""
    if booking.status == rules.PLANNED:
        return labels["expected"], "muted"
    if booking.status == "present":
        return _("Here since %(time)s") % {"time": f"{booking.arrived:%H:%M}"}, "here"
    if booking.status == "left":
        return _("Was here %(arrived)s–%(left)s") % {
            "arrived": f"{booking.arrived:%H:%M}",
            "left": f"{booking.left:%H:%M}",
        }, ""
    if booking.status == rules.EXCUSED:
        label = booking.absence_label
        return (f"{_('Absent')}: {label}" if label is not None else _("Absent")), ""
    return _("Did not come, did not let us know"), ""


def _action(booking: RowToday, urls: dict[str, Callable[[int], str]]) -> tuple[str, str, str, str]:
    """A row's main button: what it does, where it posts, its words and its classes.

    Empty for a child who has left: that row has no main button."""
    if booking.status == "present":
        return "check-out", urls["today_check_out"](booking.pk), _("Picked up"), "tap out"
    if booking.status == "left":
        return "", "", "", ""
    check_in = urls["today_check_in"](booking.pk)
    if booking.status == rules.PLANNED:
        return "check-in", check_in, _("Check in"), "tap"
    return "check-in", check_in, _("Came after all: check in"), "tap secondary"


def absence_codes(site: Site) -> list[AbsenceCode]:
    """The codes the list offers: the site's, or the defaults a site without codes gets
    at its first absence (unsaved here: reading the list writes nothing)."""
    return list(site.absence_codes.all()) or [
        AbsenceCode(site=site, code=code, label=label, counts_for_regular=counts)
        for code, label, counts in DEFAULT_ABSENCE_CODES
    ]


def urgent_candidates(site: Site, day: dt.date) -> list[Child]:
    """The children of the site who may still come as urgent today: not booked today."""
    booked = Booking.objects.filter(group__site=site, date=day).exclude(outcome=rules.CANCELLED)
    return list(
        Child.objects.filter(family__site=site, family__erased_at__isnull=True)
        .filter(Q(family__left_on__isnull=True) | Q(family__left_on__gte=day))
        .exclude(pk__in=booked.values("child_id"))
        .only("first_name", "last_name", "family_id")
        .order_by("first_name", "last_name", "pk")
    )


def site_today(*, user: User, site: Site, now: dt.datetime) -> SiteToday:
    """Everything today's list shows, in a fixed number of queries whatever the children.

    It is this page's own read model (with the page's forms attached later), so it lives
    here rather than in planning.selectors.
    """
    day = now.date()
    site_settings = site.settings_on(day)
    closed_reason = site.closed_reason(day)
    groups = list(selectors.group_list_for_site(user=user, site=site).order_by("name"))
    # A tap may be undone while it is the booking's last change and within the window:
    # read with the rows, as their last change of the last few minutes.
    last_change = BookingChange.objects.filter(
        booking=OuterRef("pk"), at__gte=now - rules.UNDO_WINDOW, at__lte=now
    ).order_by("-at", "-pk")
    bookings = [
        RowToday.of(values)
        for values in Booking.objects.filter(group__site=site, date=day)
        .exclude(outcome=rules.CANCELLED)
        .annotate(last_tap=Subquery(last_change.values("action")[:1]))
        .order_by("start", "child__first_name", "child__last_name", "pk")
        .values_list(*ROW_FIELDS, "last_tap")
    ]
    # The shifts going on now, as (group id, counts in the ratio): all the counts read.
    shifts = list(
        Shift.objects.filter(
            staff_member__site=site, date=day, start__lte=now.time(), end__gt=now.time()
        ).values_list("group_id", "staff_member__counts_in_ratio")
    )
    ratio = site_settings.ratio
    counted = [group_id for group_id, counts in shifts if counts]
    # Staff on a shift without a group work for the whole site: every group may count on them.
    floating = counted.count(None)

    settling = rules.day_to_settle(day=day, now=now, closes=site.closes)
    by_group: dict[int, list[RowToday]] = {group.pk: [] for group in groups}
    urls = {
        name: url_for_each(f"planning:{name}")
        for name in (
            "today_check_in",
            "today_check_out",
            "today_undo",
            "today_absence_form",
            "today_correct_form",
        )
    }
    place_labels = {value: str(label) for value, label in PlaceType.choices}
    labels = row_labels()
    undo_check_out, undo_check_in = _("Undo check-out"), _("Undo check-in")
    for booking in bookings:
        booking.status = _status(booking)
        # The row's words, buttons and links chosen here, once, rather than by ifs per row;
        # a link only where the row has its button.
        booking.state_text, booking.state_class = _state(booking, labels)
        booking.action, booking.action_url, booking.action_label, booking.action_class = _action(
            booking, urls
        )
        if booking.can_undo:
            booking.undo_url = urls["today_undo"](booking.pk)
            booking.undo_label = undo_check_out if booking.status == "left" else undo_check_in
        booking.correctable = booking.status in ("present", "left")
        if booking.correctable:
            booking.correct_form_url = urls["today_correct_form"](booking.pk)
        if booking.status == rules.PLANNED:
            booking.absence_form_url = urls["today_absence_form"](booking.pk)
        # Drawn in every row: formatted once here rather than by a filter per row.
        booking.times = f"{booking.start:%H:%M}–{booking.end:%H:%M}"
        booking.place_label = place_labels[booking.place_type]
        booking.to_settle = settling and rules.is_unsettled(
            outcome=booking.outcome, left=booking.left
        )
        # A tap after closing time is kept as it was tapped, and shown so it gets corrected.
        booking.after_closing = booking.left is not None and booking.left > site.closes
        by_group.setdefault(booking.group_id, []).append(booking)
    urgent_url = url_for_each("planning:today_urgent", site.pk)
    group_days = []
    for group in groups:
        mine = by_group[group.pk]
        present_now = sum(1 for b in mine if is_here(b))
        group_days.append(
            GroupToday(
                group=group,
                live=[b for b in mine if b.outcome in (rules.PLANNED, rules.PRESENT)],
                # Excused and no-show: dimmed at the bottom, a tap on check-in undoes them.
                absent=[b for b in mine if is_absent(b)],
                present_now=present_now,
                to_come=sum(1 for b in mine if b.outcome == rules.PLANNED),
                staff_needed=rules.staff_needed(present_now, ratio),
                staff_on_shift=floating + counted.count(group.pk),
                urgent_url=urgent_url(group.pk),
            )
        )
    present_now = sum(g.present_now for g in group_days)
    return SiteToday(
        site=site,
        day=day,
        now=now,
        is_open=closed_reason is None,
        closed_reason=closed_reason or "",
        ratio=ratio,
        groups=group_days,
        present_now=present_now,
        staff_needed=rules.staff_needed(present_now, ratio),
        staff_on_shift=len(counted),
        interns_on_shift=len(shifts) - len(counted),
        bookings={booking.pk: booking for booking in bookings},
        page_url=page_url(site),
        to_settle=sum(1 for booking in bookings if booking.to_settle),
        labels=labels,
    )
