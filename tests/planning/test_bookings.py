"""Booking services and the day plan's figures, against hand-worked examples."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from planning import selectors, services
from planning.models import Booking, Group
from tests.factories import ChildFactory, FamilyFactory, GroupFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Europe/Brussels")
DAY = dt.date(2026, 12, 10)  # a Thursday
BEFORE_RELEASE = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
AT_RELEASE = dt.datetime(2026, 12, 8, 16, 0, tzinfo=TZ)  # 2 days before, 16:00


@pytest.fixture
def group(site):
    return GroupFactory(
        site=site,
        name="Vlinders",
        capacity=2,
        regular_places=0,
        occasional_places=2,
        urgent_reserve=1,
    )


def _child(site, name):
    return ChildFactory(family=FamilyFactory(site=site), first_name=name)


def _book(
    child,
    group,
    user,
    place_type="occasional",
    now=BEFORE_RELEASE,
    start=dt.time(8),
    end=dt.time(16),
    **kwargs,
):
    return services.booking_create(
        origin="manual",
        child=child,
        group=group,
        day=DAY,
        start=start,
        end=end,
        place_type=place_type,
        user=user,
        now=now,
        **kwargs,
    )


def test_the_reserve_holds_a_place_for_urgent_requests_until_its_release(site, group, coordinator):
    # No history: every child has the site's default p = 0.9.
    _book(_child(site, "Amal"), group, coordinator)
    # Capacity 2 minus the reserve 1: P(X > 1) with p = 0.9, 0.9 is 0.81.
    with pytest.raises(services.BookingRefused) as refusal:
        _book(_child(site, "Bo"), group, coordinator)
    assert refusal.value.risk_pct == pytest.approx(81.0)
    # After the release the reserve is free for everyone: P(X > 2) = 0.
    _book(_child(site, "Bo"), group, coordinator, now=AT_RELEASE)
    assert Booking.objects.count() == 2


def test_an_urgent_request_uses_the_reserve_at_any_time(site, group, coordinator):
    _book(_child(site, "Amal"), group, coordinator)
    urgent = _book(_child(site, "Chaima"), group, coordinator, place_type="urgent")
    assert urgent.place_type == "urgent"
    plan = selectors.day_plan(user=coordinator, site=site, day=DAY, now=BEFORE_RELEASE)
    figures = plan.groups[0]
    assert (figures.booked, figures.free, figures.reserve_left) == (2, 0, 0)
    assert figures.expected == pytest.approx(1.8)
    assert figures.overflow_risk_pct == pytest.approx(0.0)


def test_an_overbooked_day_with_a_recorded_reason(site, group, coordinator):
    for name in ("Amal", "Bo"):
        _book(_child(site, name), group, coordinator, now=AT_RELEASE)
    with pytest.raises(services.BookingRefused) as refusal:
        _book(_child(site, "Chaima"), group, coordinator, now=AT_RELEASE)
    assert refusal.value.risk_pct == pytest.approx(72.9)  # 0.9³
    booking = _book(
        _child(site, "Chaima"),
        group,
        coordinator,
        now=AT_RELEASE,
        override_reason="Moeder start opleiding VDAB",
    )
    assert booking.override_reason == "Moeder start opleiding VDAB"
    assert booking.changes.get().after["override_reason"] == "Moeder start opleiding VDAB"
    figures = selectors.day_plan(user=coordinator, site=site, day=DAY, now=AT_RELEASE).groups[0]
    assert (figures.booked, figures.free) == (3, -1)
    assert figures.expected == pytest.approx(2.7)
    assert figures.overflow_risk_pct == pytest.approx(72.9)


def test_children_who_never_share_a_slot_do_not_overflow(site, group, coordinator):
    morning = services.booking_create(
        origin="manual",
        child=_child(site, "A"),
        group=group,
        day=DAY,
        start=dt.time(8),
        end=dt.time(12),
        place_type="occasional",
        user=coordinator,
        now=AT_RELEASE,
    )
    for name in ("B", "C"):
        services.booking_create(
            origin="manual",
            child=_child(site, name),
            group=group,
            day=DAY,
            start=dt.time(12),
            end=dt.time(17),
            place_type="occasional",
            user=coordinator,
            now=AT_RELEASE,
        )
    figures = selectors.day_plan(user=coordinator, site=site, day=DAY, now=AT_RELEASE).groups[0]
    assert morning.end == dt.time(12)
    assert figures.booked == 3 and figures.overflow_risk_pct == pytest.approx(0.0)


def test_show_probability_comes_from_the_last_twelve_weeks(site, group, coordinator):
    child = _child(site, "Amal")
    other = _child(site, "Bo")
    # Child: 8 present of 10; the site: the child's 10 plus the other's 10, all present.
    history_days = [
        DAY - dt.timedelta(days=7 * week + offset) for week in range(1, 11) for offset in (0,)
    ]
    for index, day in enumerate(history_days):
        Booking.objects.create(
            child=child,
            group=group,
            date=day,
            start=dt.time(8),
            end=dt.time(16),
            place_type="occasional",
            outcome="present" if index < 8 else "no_show",
        )
        Booking.objects.create(
            child=other,
            group=group,
            date=day - dt.timedelta(days=1),
            start=dt.time(8),
            end=dt.time(16),
            place_type="occasional",
            outcome="present",
        )
    # Too old to count: 85 days before.
    Booking.objects.create(
        child=child,
        group=group,
        date=DAY - dt.timedelta(days=85),
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        outcome="no_show",
    )
    settings = site.settings_on(DAY)
    p = selectors.show_probabilities(
        site=site, day=DAY, child_ids={child.pk, other.pk}, site_settings=settings
    )
    site_rate = 18 / 20
    assert p[child.pk] == pytest.approx((8 + 4 * site_rate) / (10 + 4))
    assert p[other.pk] == pytest.approx((10 + 4 * site_rate) / (10 + 4))


def test_realised_figures_count_day_fractions(site, group, coordinator):
    regular_group = GroupFactory(
        site=site,
        name="Egeltjes",
        capacity=4,
        regular_places=4,
        occasional_places=0,
        urgent_reserve=0,
    )
    codes = {code.code: code for code in services.absence_codes_ensure(site=site)}
    full = _book(
        _child(site, "A"), regular_group, coordinator, place_type="regular", now=AT_RELEASE
    )
    half = _book(
        _child(site, "B"), regular_group, coordinator, place_type="regular", now=AT_RELEASE
    )
    respite = _book(
        _child(site, "C"), regular_group, coordinator, place_type="regular", now=AT_RELEASE
    )
    absent = _book(
        _child(site, "D"), regular_group, coordinator, place_type="regular", now=AT_RELEASE
    )
    services.booking_check_in(booking=full, version=1, user=coordinator, at=dt.time(8))
    services.booking_check_out(
        booking=full, version=2, user=coordinator, at=dt.time(13)
    )  # 5 h: a full day
    services.booking_check_in(booking=half, version=1, user=coordinator, at=dt.time(8))
    services.booking_check_out(
        booking=half, version=2, user=coordinator, at=dt.time(12, 59)
    )  # under 5 h
    services.booking_record_absence(
        booking=respite, version=1, user=coordinator, absence_code=codes["respijtdag"]
    )
    services.booking_record_absence(
        booking=absent, version=1, user=coordinator, absence_code=codes["andere"]
    )
    figures = selectors.day_plan(user=coordinator, site=site, day=DAY, now=AT_RELEASE).groups[0]
    assert figures.group == regular_group
    # 1.0 + 0.5 + 1.0 (respite counts with its planned 8 h) + 0 (andere does not count)
    assert figures.prestaties == Decimal("2.5")
    assert (figures.present, figures.booked) == (2, 2)


def test_a_stale_edit_is_refused(site, group, coordinator):
    booking = _book(_child(site, "A"), group, coordinator)
    services.booking_check_in(booking=booking, version=1, user=coordinator, at=dt.time(8))
    with pytest.raises(ValidationError, match="ondertussen|meantime"):
        services.booking_cancel(booking=booking, version=1, user=coordinator)


def test_a_child_is_booked_once_a_day(site, group, coordinator):
    child = _child(site, "A")
    _book(child, group, coordinator)
    with pytest.raises(ValidationError):
        _book(child, group, coordinator)


def test_no_booking_on_a_closing_day(site, group, coordinator):
    with pytest.raises(ValidationError):
        services.booking_create(
            origin="manual",
            child=_child(site, "A"),
            group=group,
            day=dt.date(2026, 12, 25),
            start=dt.time(8),
            end=dt.time(16),
            place_type="urgent",
            user=coordinator,
            now=BEFORE_RELEASE,
        )


def test_moving_and_cancelling_are_kept_in_the_history(site, group, coordinator):
    other = GroupFactory(site=site, name="Egeltjes", capacity=5)
    booking = _book(_child(site, "A"), group, coordinator)
    booking = services.booking_move(
        booking=booking,
        version=1,
        user=coordinator,
        group=other,
        day=DAY,
        start=dt.time(9),
        end=dt.time(15),
        now=BEFORE_RELEASE,
    )
    booking = services.booking_cancel(booking=booking, version=2, user=coordinator)
    booking = services.booking_restore(booking=booking, version=3, user=coordinator)
    actions = [c.action for c in booking.changes.order_by("at", "pk")]
    assert actions == ["created", "moved", "cancelled", "restored"]
    moved = booking.changes.get(action="moved")
    assert (moved.before["group"], moved.after["group"]) == ("Vlinders", "Egeltjes")
    assert moved.user == coordinator


# One computation of the day's figures, one policy for booking beyond the rule


def _history(child, group, outcome, days_before=7):
    Booking.objects.create(
        child=child,
        group=group,
        date=DAY - dt.timedelta(days=days_before),
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        outcome=outcome,
    )


def test_a_refused_bookings_risk_is_what_the_plan_shows_once_booked_anyway(
    site, group, coordinator
):
    amal, bo, cas = _child(site, "Amal"), _child(site, "Bo"), _child(site, "Cas")
    # Site: 1 present of 2 settled, r = 0.5. Amal missed once: p = (0 + 2) ÷ 5 = 0.4;
    # Bo came once: p = (1 + 2) ÷ 5 = 0.6; Cas has no history: p = r = 0.5.
    _history(amal, group, "no_show")
    _history(bo, group, "present")
    _book(amal, group, coordinator, now=AT_RELEASE)
    _book(bo, group, coordinator, now=AT_RELEASE)
    # After the release nothing is held back, so the rule and the plan use the same
    # capacity: P(all three come) = 0.4 × 0.6 × 0.5 = 12 %.
    with pytest.raises(services.BookingRefused) as refusal:
        _book(cas, group, coordinator, now=AT_RELEASE)
    assert refusal.value.risk_pct == pytest.approx(12.0)

    _book(cas, group, coordinator, now=AT_RELEASE, override_reason="Crisisopvang")
    plan = selectors.day_plan(user=coordinator, site=site, day=DAY, now=AT_RELEASE)
    figures = selectors.day_figures(site=site, day=DAY, now=AT_RELEASE)
    assert plan.groups[0].overflow_risk_pct == refusal.value.risk_pct
    assert figures.groups[0].overflow_risk_pct == refusal.value.risk_pct
    assert [b.p for b in plan.groups[0].bookings] == pytest.approx([0.4, 0.6, 0.5])


def test_the_refusal_writes_the_risk_the_dutch_way(site, group, coordinator):
    _book(_child(site, "Amal"), group, coordinator)
    with pytest.raises(services.BookingRefused) as refusal:
        _book(_child(site, "Bo"), group, coordinator)
    assert "81,0 %" in refusal.value.messages[0] and "5,0 %" in refusal.value.messages[0]


def _create(site, group, coordinator, child, *, reason: str) -> Booking:
    return _book(child, group, coordinator, override_reason=reason)


def _move(site, group, coordinator, child, *, reason: str) -> Booking:
    """Book the child in a roomy group (once), then move it into `group`."""
    roomy = Group.objects.get_or_create(
        site=site,
        name="Egeltjes",
        defaults={"capacity": 10, "occasional_places": 10, "regular_places": 0},
    )[0]
    booking = Booking.objects.filter(child=child).first() or _book(child, roomy, coordinator)
    return services.booking_move(
        booking=booking,
        version=booking.version,
        user=coordinator,
        group=group,
        day=DAY,
        start=dt.time(8),
        end=dt.time(16),
        override_reason=reason,
        now=BEFORE_RELEASE,
    )


@pytest.mark.parametrize("make", [_create, _move], ids=["create", "move"])
def test_an_accepted_booking_records_no_reason(site, group, coordinator, make):
    booking = make(site, group, coordinator, _child(site, "Amal"), reason="Voor de zekerheid")
    assert booking.override_reason == ""


@pytest.mark.parametrize("make", [_create, _move], ids=["create", "move"])
def test_a_refused_booking_needs_a_reason_which_is_recorded(site, group, coordinator, make):
    _book(_child(site, "Amal"), group, coordinator)
    bo = _child(site, "Bo")
    with pytest.raises(services.BookingRefused):
        make(site, group, coordinator, bo, reason="  ")
    assert not Booking.objects.filter(child=bo, group=group).exists()
    booking = make(site, group, coordinator, bo, reason=" Moeder start opleiding ")
    assert booking.override_reason == "Moeder start opleiding"
    assert booking.changes.latest("pk").after["override_reason"] == "Moeder start opleiding"


def test_a_move_to_a_day_with_room_drops_the_reason_of_the_overbooking(site, group, coordinator):
    _book(_child(site, "Amal"), group, coordinator)
    bo = _book(_child(site, "Bo"), group, coordinator, override_reason="Crisisopvang")
    moved = services.booking_move(
        booking=bo,
        version=bo.version,
        user=coordinator,
        group=group,
        day=DAY + dt.timedelta(days=1),
        start=dt.time(8),
        end=dt.time(16),
        now=BEFORE_RELEASE,
    )
    assert moved.override_reason == ""
    assert moved.changes.get(action="moved").before["override_reason"] == "Crisisopvang"


def test_every_booking_service_keeps_to_the_opening_hours(site, group, coordinator):
    with pytest.raises(ValidationError, match="07:30"):
        _book(_child(site, "Amal"), group, coordinator, start=dt.time(7))
    booking = _book(_child(site, "Bo"), group, coordinator)
    with pytest.raises(ValidationError, match="07:30"):
        services.booking_move(
            booking=booking,
            version=booking.version,
            user=coordinator,
            group=group,
            day=DAY,
            start=dt.time(8),
            end=dt.time(18, 30),
            now=BEFORE_RELEASE,
        )
