"""Demo data of the planning app: groups, absence codes, staff with their shifts, and
twelve weeks of bookings (eight of history, four ahead) for the demo children.

Runs after families.demo, which leaves the children in state["children"] with their care
plans. Regular children come on their care-plan days; occasional children on some of
theirs, as far as the places allow; the past has realistic outcomes, and a few days ahead
are overbooked on purpose. Everything is drawn from a fixed seed; dates move with today.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from elief.models import Role, Site, User
from families.models import (
    CareKind,
    CarePlan,
    CarePlanDay,
    Child,
    SettlingInSession,
    SettlingInStep,
)
from planning import rules
from planning.models import Booking, Group, Origin, Shift, StaffMember
from planning.services import absence_codes_ensure

SEED = 2026
HISTORY_WEEKS = 8
AHEAD_WEEKS = 4

DEMO_GROUPS = [
    # name, capacity, regular, occasional, urgent reserve
    ("Vlinders", 15, 9, 6, 1),
    ("Egeltjes", 15, 8, 7, 1),
    ("Kikkers", 15, 9, 6, 1),
]

# The shifts of a day, one for each counted staff member: three open at 07:30 for the
# early arrivals, two stay until closing time. Every week each member moves one shift on.
EARLY = (dt.time(7, 30), dt.time(16))
DAY = (dt.time(8), dt.time(16, 30))
MIDDLE = (dt.time(8, 30), dt.time(17))
LATE = (dt.time(9, 30), dt.time(18))
SHIFTS = [EARLY, EARLY, EARLY, DAY, DAY, DAY, MIDDLE, LATE, LATE]
TRAINEE_SHIFT = (dt.time(8, 30), dt.time(16, 30))
DEMO_STAFF = [
    # name, home group, weekdays off, in training (a trainee does not count in the ratio)
    ("Fatima El Amrani", "Vlinders", (), False),
    ("Sofie Claes", "Vlinders", (3,), False),
    ("Hatice Yılmaz", "Vlinders", (), False),
    ("Khadija Ouali", "Egeltjes", (), False),
    ("Marleen Peeters", "Egeltjes", (), False),
    ("Ilse Goossens", "Egeltjes", (5,), False),
    ("Grâce Mukendi", "Kikkers", (), False),
    ("Els Mertens", "Kikkers", (), False),
    ("Joke Verbruggen", "Kikkers", (), False),
    ("Yasmina Haddouchi", "Egeltjes", (1,), True),
]

# Shares of the outcomes of past bookings beside "present", which follows each child's
# own show rate (about 85 % on average).
ABSENCES = [(rules.EXCUSED, 6), (rules.NO_SHOW, 5), (rules.CANCELLED, 3)]
ABSENCE_CODES = {
    rules.REGULAR: (["respijtdag", "ziek", "andere"], [40, 45, 15]),
    rules.OCCASIONAL: (["respijtdag", "ziek", "andere"], [10, 60, 30]),
}
OCCASIONAL_SHARE = 0.7  # of an occasional child's pattern days that are booked
URGENT_DAYS = 0.2  # share of the days with an urgent request
FUTURE_CANCELLED = 0.02
OVERBOOKED_DAYS = 3
OVERBOOKING_REASONS = [
    "Moeder start opleiding VDAB",
    "Sollicitatiegesprek van mama",
    "Crisisopvang op vraag van het CAW",
    "Examen integratiecursus Atlas",
]


def seed(state: dict) -> None:
    site: Site = state["site"]
    rng = random.Random(SEED)
    today = timezone.localdate()
    groups = [
        Group.objects.create(
            site=site,
            name=name,
            capacity=capacity,
            regular_places=regular,
            occasional_places=occasional,
            urgent_reserve=reserve,
        )
        for name, capacity, regular, occasional, reserve in DEMO_GROUPS
    ]
    state["groups"] = groups
    codes = {code.code: code for code in absence_codes_ensure(site=site)}

    first = today - dt.timedelta(weeks=HISTORY_WEEKS)
    last = today + dt.timedelta(weeks=AHEAD_WEEKS, days=-1)
    days = site.open_days(first, last)
    staff = _staff(site, groups, days)
    coordinator = User.objects.filter(role=Role.COORDINATOR, sites=site).first()
    planner = _Planner(rng, site, groups, codes, today, coordinator)
    planner.plan(state.get("children", []), days)
    Booking.objects.bulk_create(planner.bookings)

    state["staff"] = staff
    state["bookings"] = planner.bookings
    state["overbooked_days"] = planner.overbooked


def summary(state: dict) -> str:
    places = sum(group.capacity for group in state["groups"])
    bookings = state.get("bookings", [])
    trainees = sum(member.in_training for member in state.get("staff", []))
    return (
        f"{len(state['groups'])} groups, {places} places, {len(bookings)} bookings "
        f"({len(state.get('overbooked_days', []))} overbooked days ahead), "
        f"{len(state.get('staff', []))} staff members ({trainees} in training)"
    )


def _staff(site: Site, groups: list[Group], days: list[dt.date]) -> list[StaffMember]:
    """The staff and their shifts on the open days, each member in the shifts in turn."""
    by_name = {group.name: group for group in groups}
    members = StaffMember.objects.bulk_create(
        StaffMember(site=site, name=name, counts_in_ratio=not trainee, in_training=trainee)
        for name, _group, _off, trainee in DEMO_STAFF
    )
    shifts = []
    for index, (member, (_name, group, off, trainee)) in enumerate(
        zip(members, DEMO_STAFF, strict=True)
    ):
        for day in days:
            if day.isoweekday() in off:
                continue
            if trainee:
                start, end = TRAINEE_SHIFT
            else:
                start, end = SHIFTS[(index + day.isocalendar().week) % len(SHIFTS)]
            shifts.append(
                Shift(staff_member=member, group=by_name[group], date=day, start=start, end=end)
            )
    Shift.objects.bulk_create(shifts)
    return members


@dataclass
class _Child:
    """A demo child as the planner sees it: its plan, pattern, group and show rate."""

    child: Child
    plan: CarePlan
    pattern: dict[int, tuple[dt.time, dt.time]]
    show_rate: float
    group: Group | None = None

    @property
    def regular(self) -> bool:
        return self.plan.kind == CareKind.REGULAR

    def comes_on(self, day: dt.date) -> bool:
        return self.plan.is_active_on(day) and day.isoweekday() in self.pattern


@dataclass
class _Planner:
    rng: random.Random
    site: Site
    groups: list[Group]
    codes: dict
    today: dt.date
    coordinator: User | None
    bookings: list[Booking] = field(default_factory=list)
    overbooked: list[tuple[dt.date, str]] = field(default_factory=list)

    def plan(self, children: list[Child], days: list[dt.date]) -> None:
        if not children:
            return
        planned = self._children(children)
        sessions = self._settling_in(planned, days)
        ahead = [day for day in days if day >= self.today + dt.timedelta(days=2)]
        overbooked = set(self.rng.sample(ahead, min(OVERBOOKED_DAYS, len(ahead))))
        for day in days:
            self._day(day, planned, sessions.get(day, []), overbook=day in overbooked)

    def _children(self, children: list[Child]) -> list[_Child]:
        plans: dict[int, CarePlan] = {}
        for plan in CarePlan.objects.filter(child__in=children).order_by("start", "pk"):
            plans[plan.child_id] = plan  # the latest plan of each child
        patterns: dict[int, dict[int, tuple[dt.time, dt.time]]] = defaultdict(dict)
        for day in CarePlanDay.objects.filter(plan__in=plans.values()):
            patterns[day.plan_id][day.weekday] = (day.start, day.end)
        planned = [
            _Child(
                child=child,
                plan=plans[child.pk],
                pattern=patterns[plans[child.pk].pk],
                # Most children come nearly always; a few miss one day in four.
                show_rate=min(0.98, max(0.65, self.rng.gauss(0.855, 0.07))),
            )
            for child in children
            if child.pk in plans
        ]
        self._assign_groups(planned)
        return planned

    def _assign_groups(self, planned: list[_Child]) -> None:
        """Spread the children over the groups so that every weekday is about as full."""
        load = {group.pk: defaultdict(float) for group in self.groups}
        # Regular children first, the busiest patterns first: they are hardest to fit.
        for entry in sorted(planned, key=lambda e: (not e.regular, -len(e.pattern))):
            weight = 1.0 if entry.regular else OCCASIONAL_SHARE

            def fullness(group: Group, entry=entry, weight=weight) -> tuple[float, float]:
                days = load[group.pk]
                peak = max((days[d] + weight for d in entry.pattern), default=0)
                return peak / group.capacity, sum(days.values())

            entry.group = min(self.groups, key=fullness)
            for weekday in entry.pattern:
                load[entry.group.pk][weekday] += weight

    def _settling_in(
        self, planned: list[_Child], days: list[dt.date]
    ) -> dict[dt.date, list[tuple[_Child, dt.time, dt.time]]]:
        """Settling-in sessions: those planned ahead, and the past ones of recent starters."""
        by_child = {entry.child.pk: entry for entry in planned}
        sessions: dict[dt.date, list] = defaultdict(list)
        for session in SettlingInSession.objects.filter(child__in=by_child):
            sessions[session.date].append((by_child[session.child_id], session.start, session.end))
        steps = list(SettlingInStep.objects.filter(site=self.site).order_by("position"))
        past = [day for day in days if day < self.today]
        for entry in planned:
            start = entry.plan.start
            before = [day for day in past if day < start]
            if not steps or not past or start <= past[0] or start > self.today:
                continue
            for day, step in zip(before[-len(steps) :], steps, strict=False):
                begin = dt.datetime.combine(day, dt.time(9))
                end = (begin + dt.timedelta(minutes=step.minutes)).time()
                sessions[day].append((entry, begin.time(), end))
        return sessions

    def _day(
        self,
        day: dt.date,
        planned: list[_Child],
        sessions: list[tuple[_Child, dt.time, dt.time]],
        *,
        overbook: bool,
    ) -> None:
        booked: set[int] = set()
        live = {group.pk: 0 for group in self.groups}

        def book(entry: _Child, group: Group, start, end, place_type: str, **extra) -> None:
            booked.add(entry.child.pk)
            live[group.pk] += 1
            self.bookings.append(
                self._booking(entry, group, day, start, end, place_type, overbook, **extra)
            )

        for entry, start, end in sessions:
            if entry.child.pk not in booked:
                place_type = rules.REGULAR if entry.regular else rules.OCCASIONAL
                book(entry, entry.group, start, end, place_type, settling_in=True)
        coming = [entry for entry in planned if entry.comes_on(day)]
        for entry in coming:
            if entry.regular and entry.child.pk not in booked:
                book(entry, entry.group, *entry.pattern[day.isoweekday()], rules.REGULAR)
        occasional = [entry for entry in coming if not entry.regular]
        self.rng.shuffle(occasional)
        for entry in occasional:
            group = entry.group
            ordinary_places = group.capacity - group.urgent_reserve
            if (
                entry.child.pk not in booked
                and live[group.pk] < ordinary_places
                and self.rng.random() < OCCASIONAL_SHARE
            ):
                book(entry, group, *entry.pattern[day.isoweekday()], rules.OCCASIONAL)

        # Occasional children who are not booked today and whose plan runs: the ones an
        # urgent request or an overbooking is for.
        others = [
            entry
            for entry in planned
            if not entry.regular and entry.plan.is_active_on(day) and entry.child.pk not in booked
        ]
        self.rng.shuffle(others)
        if others and self.rng.random() < URGENT_DAYS:
            group = min(self.groups, key=lambda g: live[g.pk] - g.capacity)
            if live[group.pk] < group.capacity:
                entry = others.pop()
                book(entry, group, dt.time(8, 30), dt.time(16, 30), rules.URGENT)
        if overbook and others:
            group = self.rng.choice(self.groups)
            beyond = self.rng.choice([1, 2])
            while others and live[group.pk] < group.capacity + beyond:
                entry = others.pop()
                times = entry.pattern.get(day.isoweekday(), (dt.time(8, 30), dt.time(16)))
                reason = self.rng.choice(OVERBOOKING_REASONS)
                book(entry, group, *times, rules.OCCASIONAL, override_reason=reason)
            self.overbooked.append((day, group.name))

    def _booking(
        self,
        entry: _Child,
        group: Group,
        day: dt.date,
        start: dt.time,
        end: dt.time,
        place_type: str,
        overbooked_day: bool,
        **extra,
    ) -> Booking:
        # Linked to the care plan covering the day, with the origin a coordinator's work
        # would give it: the regular pattern is the plan's own, so a change of the plan
        # reaches it; occasional days were asked for; an urgent child was added by hand.
        plan = entry.plan if entry.plan.is_active_on(day) else None
        if place_type == rules.URGENT:
            plan, origin = None, Origin.MANUAL
        elif extra.get("settling_in"):
            origin = Origin.MANUAL
        elif entry.regular and plan is not None:
            origin = Origin.CARE_PLAN
        else:
            origin = Origin.REQUEST
        booking = Booking(
            care_plan=plan,
            origin=origin,
            child=entry.child,
            group=group,
            date=day,
            start=start,
            end=end,
            place_type=place_type,
            created_by=self.coordinator,
            **extra,
        )
        if day >= self.today:
            # Ahead: planned, now and then cancelled already; never on an overbooked day,
            # which would then not be overbooked any more.
            if not overbooked_day and self.rng.random() < FUTURE_CANCELLED:
                booking.outcome = rules.CANCELLED
            return booking
        show_rate = 0.98 if booking.settling_in else entry.show_rate
        if self.rng.random() < show_rate:
            booking.outcome = rules.PRESENT
            booking.arrived, booking.left = self._attendance(start, end)
            return booking
        outcome = self.rng.choices([o for o, _w in ABSENCES], [w for _o, w in ABSENCES])[0]
        booking.outcome = outcome
        if outcome == rules.EXCUSED:
            kind = rules.REGULAR if place_type == rules.REGULAR else rules.OCCASIONAL
            names, weights = ABSENCE_CODES[kind]
            booking.absence_code = self.codes[self.rng.choices(names, weights)[0]]
        return booking

    def _attendance(self, start: dt.time, end: dt.time) -> tuple[dt.time, dt.time]:
        """Arrival and departure near the planned times, within the opening hours."""
        opens = _minutes(self.site.opens)
        closes = _minutes(self.site.closes)
        arrived = _minutes(start) + round(self.rng.gauss(3, 8))
        if self.rng.random() < 0.04:
            # Picked up early: a call from the daycare, a doctor's appointment.
            left = _minutes(start) + self.rng.randint(120, 240)
        else:
            left = _minutes(end) + round(self.rng.gauss(-5, 10))
        arrived = min(max(arrived, opens), closes - 30)
        left = min(max(left, arrived + 30), closes)
        return _time(arrived), _time(left)


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)
