"""The week grid of staff shifts: scoping, saving a whole week, per-cell errors, queries."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from planning.models import Shift, StaffMember
from planning.shifts import (
    ShiftCell,
    ShiftWeekInvalid,
    shift_cell_errors,
    shift_week_save,
    week_monday,
)
from tests.factories import GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 7)  # week 50
WEEK = [MONDAY + dt.timedelta(days=n) for n in range(5)]


@pytest.fixture
def staff(site):
    return {
        "Ann": StaffMember.objects.create(site=site, name="Ann"),
        "Bram": StaffMember.objects.create(
            site=site, name="Bram", in_training=True, counts_in_ratio=False
        ),
    }


def _url(site, **query) -> str:
    url = reverse("planning:shifts", args=[site.pk])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def _key(member, day) -> str:
    return f"{member.pk}-{day:%Y%m%d}"


def _week_post(members, cells: dict | None = None) -> dict:
    """Every cell of the week empty, except `cells`: {(member, day): (from, until, group)}."""
    data = {}
    for member in members:
        for day in WEEK:
            key = _key(member, day)
            data.update({f"from-{key}": "", f"until-{key}": "", f"group-{key}": ""})
    for (member, day), (start, end, group) in (cells or {}).items():
        key = _key(member, day)
        data.update(
            {f"from-{key}": start, f"until-{key}": end, f"group-{key}": group.pk if group else ""}
        )
    return data


def _shifts() -> set[tuple]:
    return {
        (s.staff_member.name, s.date, s.start, s.end, s.group.name if s.group else None)
        for s in Shift.objects.select_related("staff_member", "group")
    }


def test_it_rejects_other_sites_coordinators(client, site, staff):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Elief Noord")]))
    assert client.get(_url(site)).status_code == HTTPStatus.NOT_FOUND
    post = _week_post(staff.values(), {(staff["Ann"], MONDAY): ("08:00", "16:00", None)})
    assert client.post(_url(site, week="2026-W50"), post).status_code == HTTPStatus.NOT_FOUND
    create = reverse("planning:staff_member_create", args=[site.pk])
    assert client.post(create, {"staff-name": "Eva"}).status_code == HTTPStatus.NOT_FOUND
    assert not Shift.objects.exists() and StaffMember.objects.count() == 2


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN])
def test_only_coordinators_plan_shifts(client, site, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    assert client.get(_url(site)).status_code == HTTPStatus.FORBIDDEN
    create = reverse("planning:staff_member_create", args=[site.pk])
    assert client.post(create, {"staff-name": "Eva"}).status_code == HTTPStatus.FORBIDDEN


def test_the_grid_has_the_active_staff_and_the_open_days_of_the_week(
    client, coordinator, site, staff, group
):
    StaffMember.objects.create(site=site, name="Chris", active=False)
    Shift.objects.create(
        staff_member=staff["Ann"], date=WEEK[1], start=dt.time(7, 30), end=dt.time(15), group=group
    )
    client.force_login(coordinator)
    response = client.get(_url(site, week="2026-W50"))
    assert response.status_code == HTTPStatus.OK
    week = response.context["week"]
    assert (week.monday, week.days) == (MONDAY, WEEK)
    assert [row["member"].name for row in response.context["form"].rows] == ["Ann", "Bram"]
    form = response.context["form"]
    key = _key(staff["Ann"], WEEK[1])
    assert form[f"from-{key}"].value() == dt.time(7, 30)
    assert form[f"group-{key}"].value() == group.pk
    assert (response.context["previous_week"], response.context["next_week"]) == (
        "2026-W49",
        "2026-W51",
    )


def test_the_tab_order_runs_row_by_row(client, coordinator, site, staff):
    client.force_login(coordinator)
    body = client.get(_url(site, week="2026-W50")).content.decode()
    names = re.findall(r'name="(from|until|group)-(\d+)-(\d{8})"', body)
    members = [int(member) for _field, member, _day in names]
    # All of Ann's cells, then all of Bram's: no positive tabindex reorders them.
    assert members == sorted(members, key=[staff["Ann"].pk, staff["Bram"].pk].index)
    assert [field for field, *_rest in names[:3]] == ["from", "until", "group"]
    assert "tabindex" not in body


@pytest.mark.parametrize(
    ("query", "monday"),
    [
        ({"week": "2026-W50"}, MONDAY),
        ({"van": "2026-12-10"}, MONDAY),
        ({"week": "2027-W01"}, dt.date(2027, 1, 4)),
    ],
)
def test_the_week_comes_from_the_query(client, coordinator, site, query, monday):
    client.force_login(coordinator)
    assert client.get(_url(site, **query)).context["week"].monday == monday


def test_a_bad_week_shows_this_week(client, coordinator, site):
    client.force_login(coordinator)
    monday = client.get(_url(site, week="2026-W77")).context["week"].monday
    assert monday.weekday() == 0 and monday == week_monday(dt.date.today())


def test_closing_days_are_no_columns(client, coordinator, site, staff):
    client.force_login(coordinator)
    week = client.get(_url(site, week="2026-W52")).context["week"]
    assert week.days == [dt.date(2026, 12, 21), dt.date(2026, 12, 22), dt.date(2026, 12, 23),
                         dt.date(2026, 12, 24)]  # fmt: skip
    assert list(week.closed) == [dt.date(2026, 12, 25)]


def test_one_submit_saves_the_whole_week(client, coordinator, site, staff, group):
    ann, bram = staff["Ann"], staff["Bram"]
    Shift.objects.create(staff_member=ann, date=WEEK[0], start=dt.time(8), end=dt.time(16))
    Shift.objects.create(staff_member=ann, date=WEEK[1], start=dt.time(8), end=dt.time(16))
    client.force_login(coordinator)
    post = _week_post(
        staff.values(),
        {
            (ann, WEEK[0]): ("07:30", "15:30", group),  # changed
            (ann, WEEK[2]): ("09:00", "17:00", None),  # added; Tuesday emptied
            (bram, WEEK[4]): ("10:00", "18:00", group),  # added
        },
    )
    response = client.post(_url(site, week="2026-W50"), post)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == _url(site, week="2026-W50")
    assert _shifts() == {
        ("Ann", WEEK[0], dt.time(7, 30), dt.time(15, 30), "Vlinders"),
        ("Ann", WEEK[2], dt.time(9), dt.time(17), None),
        ("Bram", WEEK[4], dt.time(10), dt.time(18), "Vlinders"),
    }


@pytest.mark.parametrize(
    "cell",
    [
        ("12:00", "08:00"),  # until before from
        ("06:30", "14:00"),  # before opening
        ("12:00", "18:30"),  # after closing
        ("08:00", ""),  # one time only
    ],
)
def test_one_wrong_cell_saves_nothing_and_is_marked(client, coordinator, site, staff, cell):
    ann, bram = staff["Ann"], staff["Bram"]
    Shift.objects.create(staff_member=ann, date=WEEK[0], start=dt.time(8), end=dt.time(16))
    before = _shifts()
    client.force_login(coordinator)
    post = _week_post(
        staff.values(),
        {(ann, WEEK[0]): ("09:00", "17:00", None), (bram, WEEK[3]): (*cell, None)},
    )
    response = client.post(_url(site, week="2026-W50"), post)
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert list(form.errors) == [f"from-{_key(bram, WEEK[3])}"]
    rows = {row["member"].name: row for row in form.rows}
    assert [bool(c["errors"]) for c in rows["Bram"]["cells"]] == [False, False, False, True, False]
    assert _shifts() == before
    assert 'value="09:00"' in response.content.decode()  # what was typed stays


def test_a_staff_member_added_meanwhile_keeps_their_shifts(client, coordinator, site, staff):
    client.force_login(coordinator)
    newcomer = StaffMember.objects.create(site=site, name="Dina")
    Shift.objects.create(staff_member=newcomer, date=WEEK[0], start=dt.time(8), end=dt.time(12))
    post = _week_post(staff.values(), {(staff["Ann"], WEEK[0]): ("08:00", "16:00", None)})
    assert client.post(_url(site, week="2026-W50"), post).status_code == HTTPStatus.FOUND
    assert Shift.objects.filter(staff_member=newcomer).count() == 1


def test_a_group_of_another_site_is_refused(site, staff):
    other = GroupFactory(site=SiteFactory(name="Elief Noord"))
    with pytest.raises(ShiftWeekInvalid) as error:
        shift_week_save(
            site=site,
            monday=MONDAY,
            cells={(staff["Ann"].pk, MONDAY): ShiftCell(dt.time(8), dt.time(16), other.pk)},
        )
    assert list(error.value.cells) == [(staff["Ann"].pk, MONDAY)]
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (None, None, 0),  # no shift
        (dt.time(7, 30), dt.time(18), 0),  # the whole opening hours
        (dt.time(9), None, 1),  # one time only
        (dt.time(9), dt.time(9), 1),  # ends when it starts
        (dt.time(6), dt.time(5), 2),  # reversed and before opening
    ],
)
def test_shift_cell_errors_without_the_database(start, end, errors):
    found = shift_cell_errors(start=start, end=end, opens=dt.time(7, 30), closes=dt.time(18))
    assert len(found) == errors


def test_a_coordinator_adds_a_staff_member(client, coordinator, site):
    client.force_login(coordinator)
    url = reverse("planning:staff_member_create", args=[site.pk]) + "?week=2026-W50"
    response = client.post(url, {"staff-name": "Eva", "staff-in_training": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == _url(site, week="2026-W50")
    eva = StaffMember.objects.get(name="Eva")
    assert (eva.site, eva.in_training, eva.counts_in_ratio) == (site, True, False)


def test_a_staff_member_needs_a_name(client, coordinator, site):
    client.force_login(coordinator)
    response = client.post(reverse("planning:staff_member_create", args=[site.pk]), {})
    assert response.status_code == HTTPStatus.OK
    assert "name" in response.context["staff_form"].errors
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize("members", [2, 8])
def test_the_grid_needs_a_fixed_number_of_queries(
    client, coordinator, site, group, members, django_assert_num_queries
):
    for index in range(members):
        member = StaffMember.objects.create(site=site, name=f"Medewerker {index}")
        for day in WEEK[:3]:
            Shift.objects.create(
                staff_member=member, date=day, start=dt.time(8), end=dt.time(16), group=group
            )
    client.force_login(coordinator)
    with django_assert_num_queries(7):
        response = client.get(_url(site, week="2026-W50"))
    assert len(response.context["form"].rows) == members
