"""Staff members and their shifts, entered in a week grid."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from elief import calendar
from elief.models import Site, User
from elief.scoping import scope_to_sites
from planning import selectors
from planning.models import Group, Shift, StaffMember


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# Staff shifts


@dataclass(frozen=True)
class ShiftCell:
    """One cell of the week grid: both times for a shift, neither for no shift."""

    start: dt.time | None
    end: dt.time | None
    group_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.start is None and self.end is None


def shift_cell_errors(
    *, start: dt.time | None, end: dt.time | None, opens: dt.time, closes: dt.time
) -> list[str]:
    """What is wrong with one cell of the grid; an empty cell (no shift) is fine."""
    if start is None and end is None:
        return []
    if start is None or end is None:
        return [_("Give both times, or leave both empty.")]
    try:
        calendar.check_opening_hours(start, end, opens=opens, closes=closes)
    except ValidationError as error:
        return [
            _("The shift must end after it starts.")
            if problem.code == calendar.END_BEFORE_START
            else problem.messages[0]
            for problem in error.error_list
        ]
    return []


class ShiftWeekInvalid(ValidationError):
    """Some cells of the week are wrong; `cells` maps (staff member id, day) to messages."""

    def __init__(self, cells: dict[tuple[int, dt.date], list[str]]) -> None:
        super().__init__([message for messages in cells.values() for message in messages])
        self.cells = cells


@dataclass
class ShiftWeek:
    site: Site
    monday: dt.date
    days: list[dt.date]
    closed: dict[dt.date, str]
    staff: list[StaffMember]
    groups: list[Group]
    shifts: dict[tuple[int, dt.date], Shift]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


@dataclass
class ShiftWeekResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def staff_list_for_site(*, user: User, site: Site) -> QuerySet[StaffMember]:
    return scope_to_sites(StaffMember.objects.filter(site=site, active=True), user).order_by(
        "name", "pk"
    )


def shift_week(*, user: User, site: Site, monday: dt.date) -> ShiftWeek:
    """The week grid of a site in four queries: closing days, staff, groups, shifts."""
    monday = week_monday(monday)
    sunday = monday + dt.timedelta(days=6)
    closing = site.closing_dates(monday, sunday)
    days = calendar.open_days(monday, sunday, weekdays=site.weekdays, closed=closing)
    shifts = scope_to_sites(
        Shift.objects.filter(
            staff_member__site=site, staff_member__active=True, date__range=(monday, sunday)
        ),
        user,
        site_field="staff_member__site",
    )
    return ShiftWeek(
        site=site,
        monday=monday,
        days=days,
        # Only the days the site would otherwise open: a holiday on a Sunday closes nothing.
        closed={
            day: reason
            for day, reason in sorted(closing.items())
            if day.isoweekday() in site.weekdays
        },
        staff=list(staff_list_for_site(user=user, site=site)),
        groups=list(selectors.group_list_for_site(user=user, site=site).order_by("name")),
        shifts={(shift.staff_member_id, shift.date): shift for shift in shifts},
    )


@transaction.atomic
def shift_week_save(
    *, site: Site, monday: dt.date, cells: Mapping[tuple[int, dt.date], ShiftCell]
) -> ShiftWeekResult:
    """Save the grid of one week: a cell with times is a shift, an empty cell is none.

    Every cell is checked before anything is written, so one wrong cell saves nothing
    (ShiftWeekInvalid names the wrong cells). Cells not given are left as they are.
    """
    monday = week_monday(monday)
    sunday = monday + dt.timedelta(days=6)
    # Two coordinators saving the same week: the second waits for the first to commit and
    # then updates its shifts, instead of failing on the one-shift-a-day constraint.
    staff_ids = set(
        StaffMember.objects.select_for_update()
        .filter(site=site, pk__in={staff_id for staff_id, _day in cells})
        .values_list("pk", flat=True)
    )
    open_days = set(site.open_days(monday, sunday))
    group_ids = set(site.groups.values_list("pk", flat=True))
    errors: dict[tuple[int, dt.date], list[str]] = {}
    for (staff_id, day), cell in cells.items():
        problems = shift_cell_errors(
            start=cell.start, end=cell.end, opens=site.opens, closes=site.closes
        )
        if staff_id not in staff_ids:
            problems.append(_("Unknown staff member."))
        if not monday <= day <= sunday:
            problems.append(_("The day lies outside the week."))
        if not cell.is_empty and day not in open_days:
            problems.append(
                _("The site is closed on %(day)s.")
                % {"day": formats.date_format(day, "DAY_FORMAT")}
            )
        if cell.group_id is not None and cell.group_id not in group_ids:
            problems.append(_("Unknown group."))
        if problems:
            errors[(staff_id, day)] = problems
    if errors:
        raise ShiftWeekInvalid(errors)

    existing = {
        (shift.staff_member_id, shift.date): shift
        for shift in Shift.objects.filter(
            staff_member_id__in=staff_ids, date__in={day for _staff_id, day in cells}
        )
    }
    result = ShiftWeekResult()
    to_create, to_update, to_delete = [], [], []
    for (staff_id, day), cell in cells.items():
        shift = existing.get((staff_id, day))
        if cell.is_empty:
            if shift is not None:
                to_delete.append(shift.pk)
        elif shift is None:
            to_create.append(
                Shift(
                    staff_member_id=staff_id,
                    date=day,
                    start=cell.start,
                    end=cell.end,
                    group_id=cell.group_id,
                )
            )
        elif (shift.start, shift.end, shift.group_id) != (cell.start, cell.end, cell.group_id):
            shift.start, shift.end, shift.group_id = cell.start, cell.end, cell.group_id
            to_update.append(shift)
    if to_delete:
        Shift.objects.filter(pk__in=to_delete).delete()
    if to_update:
        Shift.objects.bulk_update(to_update, ["start", "end", "group"])
    if to_create:
        Shift.objects.bulk_create(to_create)
    result.created, result.updated, result.deleted = len(to_create), len(to_update), len(to_delete)
    return result


@transaction.atomic
def staff_member_create(
    *, site: Site, name: str, counts_in_ratio: bool = True, in_training: bool = False
) -> StaffMember:
    member = StaffMember(
        site=site, name=name.strip(), counts_in_ratio=counts_in_ratio, in_training=in_training
    )
    member.full_clean()
    member.save()
    return member
