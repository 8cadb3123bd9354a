"""The waiting list: its order, its pages, closing an entry, and the candidates for a free place."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from planning.models import Booking, WaitingListEntry
from planning.waiting import candidates_for, waiting_entry_set_status, waiting_list_ordered
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Europe/Brussels")
WEDNESDAY = dt.date(2026, 12, 9)

# Criteria that make a family vulnerable (two characteristics, one a disadvantage).
VULNERABLE = {"low_income": True, "single_parent": True, "no_secondary_diploma": True}
# Three priority criteria, yet not vulnerable: work and training count as one
# characteristic, a foster child as none.
NOT_VULNERABLE = {"work_or_training": True, "integration_course": True, "foster_child": True}
TWO_CRITERIA = {"low_income": True, "single_parent": True}


def _entry(site, name, *, urgent=False, day=1, criteria=None, **fields):
    family = FamilyFactory(site=site, **(criteria or {}))
    child = ChildFactory(family=family, first_name=name)
    return WaitingListEntry.objects.create(
        site=site,
        child=child,
        urgent=urgent,
        wished_start=fields.pop("wished_start", dt.date(2026, 12, 1)),
        created_at=dt.datetime(2026, 11, day, 9, 0, tzinfo=TZ),
        **fields,
    )


@pytest.fixture
def entries(site):
    """A hand-worked example; the order DESIGN.md asks for is E5, E2, E1, E6, E3, E4."""
    return {
        "E1": _entry(site, "Amal", day=2, criteria=VULNERABLE),  # 3 criteria, vulnerable
        "E2": _entry(site, "Bilal", urgent=True, day=6),  # urgent, no criteria
        "E3": _entry(site, "Chloé", day=3, criteria=NOT_VULNERABLE),  # 3, not vulnerable
        "E4": _entry(site, "Daan", day=1, criteria={"single_parent": True}),  # the oldest
        "E5": _entry(site, "Elif", urgent=True, day=10, criteria=TWO_CRITERIA),
        "E6": _entry(site, "Fatima", day=4, criteria=VULNERABLE),  # as E1, asked later
    }


def _names(entries) -> list[str]:
    return [entry.child.first_name for entry in entries]


def test_urgent_first_then_priority_criteria_then_date(site, coordinator, entries):
    # Urgent E5 (2 criteria) before urgent E2 (none). Then three criteria: E1 and E6 are
    # vulnerable, which priority_score weighs before the date, so E3 (asked before E6)
    # follows them; E1 before E6 by date. E4 is the oldest request but has one criterion.
    ordered = waiting_list_ordered(user=coordinator, site=site)
    assert _names(ordered) == ["Elif", "Bilal", "Amal", "Fatima", "Chloé", "Daan"]


def test_only_waiting_entries_of_the_site_are_listed(site, coordinator, entries):
    waiting_entry_set_status(entry=entries["E1"], status="placed")
    _entry(SiteFactory(name="Elief Noord"), "Gust")
    assert "Amal" not in _names(waiting_list_ordered(user=coordinator, site=site))
    assert "Gust" not in _names(waiting_list_ordered(user=coordinator, site=site))


def test_it_rejects_other_sites_coordinators(client, site, entries):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Elief Noord")]))
    entry = entries["E1"]
    for url in [
        reverse("planning:waiting_list", args=[site.pk]),
        reverse("planning:waiting_create", args=[site.pk]),
        reverse("planning:waiting_update", args=[site.pk, entry.pk]),
    ]:
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    status_url = reverse("planning:waiting_status", args=[site.pk, entry.pk])
    assert client.post(status_url, {"status": "placed"}).status_code == HTTPStatus.NOT_FOUND
    entry.refresh_from_db()
    assert entry.status == "waiting"


def test_an_entry_of_another_site_is_not_found_through_ones_own_site(client, coordinator, site):
    other = _entry(SiteFactory(name="Elief Noord"), "Gust")
    client.force_login(coordinator)
    url = reverse("planning:waiting_update", args=[site.pk, other.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN])
def test_only_coordinators_see_the_waiting_list(client, site, entries, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    entry = entries["E1"]
    for url in [
        reverse("planning:waiting_list", args=[site.pk]),
        reverse("planning:waiting_create", args=[site.pk]),
        reverse("planning:waiting_update", args=[site.pk, entry.pk]),
    ]:
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    status_url = reverse("planning:waiting_status", args=[site.pk, entry.pk])
    assert client.post(status_url, {"status": "placed"}).status_code == HTTPStatus.FORBIDDEN


def test_the_page_lists_the_entries_in_order(client, coordinator, site, entries):
    client.force_login(coordinator)
    response = client.get(reverse("planning:waiting_list", args=[site.pk]))
    assert response.status_code == HTTPStatus.OK
    rows = response.context["rows"]
    assert [row["entry"].child.first_name for row in rows][:2] == ["Elif", "Bilal"]
    assert {row["entry"].child.first_name: row["criteria"] for row in rows}["Chloé"] == 3


def test_closing_an_entry_asks_for_confirmation_first(client, coordinator, site, entries):
    client.force_login(coordinator)
    entry = entries["E2"]
    url = reverse("planning:waiting_list", args=[site.pk])
    page = client.get(url, {"bevestig": entry.pk, "status": "withdrawn"})
    assert page.context["confirm"] == {"entry": entry, "status": "withdrawn"}
    entry.refresh_from_db()
    assert entry.status == "waiting"  # looking at the question changes nothing

    status_url = reverse("planning:waiting_status", args=[site.pk, entry.pk])
    response = client.post(status_url, {"status": "withdrawn"})
    assert response.status_code == HTTPStatus.FOUND and response.url == url
    entry.refresh_from_db()
    assert entry.status == "withdrawn"
    # Closed once: a second post (another tab) changes nothing.
    client.post(status_url, {"status": "placed"})
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


def test_a_bad_confirmation_is_not_found(client, coordinator, site, entries):
    client.force_login(coordinator)
    url = reverse("planning:waiting_list", args=[site.pk])
    for query in [{"bevestig": entries["E1"].pk, "status": "deleted"}, {"bevestig": 999999}]:
        assert client.get(url, query).status_code == HTTPStatus.NOT_FOUND, query


def test_a_bad_status_is_refused(client, coordinator, site, entries):
    client.force_login(coordinator)
    url = reverse("planning:waiting_status", args=[site.pk, entries["E1"].pk])
    client.post(url, {"status": "waiting"})
    assert WaitingListEntry.objects.get(pk=entries["E1"].pk).status == "waiting"


def test_a_coordinator_adds_a_request(client, coordinator, site):
    child = ChildFactory(family=FamilyFactory(site=site), first_name="Hiba")
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:waiting_create", args=[site.pk]),
        {
            "child": child.pk,
            "wished_weekdays": ["1", "3", "5"],
            "wished_start": "2027-01-04",
            "start": "08:00",
            "end": "12:30",
            "urgent": "on",
            "note": "Start opleiding bij VDAB",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    entry = WaitingListEntry.objects.get()
    assert (entry.site, entry.child, entry.wished_weekdays, entry.urgent) == (
        site,
        child,
        "135",
        True,
    )
    assert (entry.start, entry.end, entry.status) == (dt.time(8), dt.time(12, 30), "waiting")


def test_a_child_of_another_site_cannot_be_added(client, coordinator, site):
    stranger = ChildFactory(family=FamilyFactory(site=SiteFactory(name="Elief Noord")))
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:waiting_create", args=[site.pk]),
        {"child": stranger.pk, "wished_start": "2027-01-04", "start": "08:00", "end": "12:30"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "child" in response.context["form"].errors
    assert not WaitingListEntry.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"), [("12:00", "09:00", "end"), ("06:00", "12:00", "start")]
)
def test_times_must_fit_the_opening_hours(client, coordinator, site, start, end, field):
    child = ChildFactory(family=FamilyFactory(site=site))
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:waiting_create", args=[site.pk]),
        {"child": child.pk, "wished_start": "2027-01-04", "start": start, "end": end},
    )
    assert field in response.context["form"].errors
    assert not WaitingListEntry.objects.exists()


def test_a_child_waits_once(client, coordinator, site, entries):
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:waiting_create", args=[site.pk]),
        {
            "child": entries["E1"].child.pk,
            "wished_start": "2027-01-04",
            "start": "08:00",
            "end": "12:30",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors()
    assert WaitingListEntry.objects.filter(child=entries["E1"].child).count() == 1


def test_a_coordinator_edits_a_request(client, coordinator, site, entries):
    entry = entries["E3"]
    client.force_login(coordinator)
    url = reverse("planning:waiting_update", args=[site.pk, entry.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(
        url,
        {"wished_weekdays": ["2"], "wished_start": "2027-02-01", "start": "09:00", "end": "15:00"},
    )
    assert response.status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert (entry.wished_weekdays, entry.wished_start, entry.urgent) == (
        "2",
        dt.date(2027, 2, 1),
        False,
    )
    assert entry.child.first_name == "Chloé" and entry.created_at.day == 3


@pytest.mark.parametrize("count", [2, 8])
def test_the_page_needs_a_fixed_number_of_queries(
    client, coordinator, site, count, django_assert_num_queries
):
    for index in range(count):
        _entry(site, f"Kind {index}", day=index + 1, criteria=VULNERABLE if index % 2 else None)
    waiting_entry_set_status(
        entry=WaitingListEntry.objects.first(), status=WaitingListEntry.Status.PLACED
    )
    client.force_login(coordinator)
    with django_assert_num_queries(5):
        response = client.get(reverse("planning:waiting_list", args=[site.pk]))
    assert len(response.context["rows"]) == count - 1


# Candidates for a place that came free


def _book(entry, group, day=WEDNESDAY, outcome="planned"):
    return Booking.objects.create(
        child=entry.child,
        group=group,
        date=day,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        outcome=outcome,
    )


def test_candidates_are_the_first_fitting_entries_in_order(site, group, django_assert_num_queries):
    # A place came free on Wednesday 9 December 2026.
    elif_ = _entry(site, "Elif", urgent=True, criteria={"low_income": True}, wished_weekdays="124")
    bilal = _entry(site, "Bilal", urgent=True, wished_start=dt.date(2026, 12, 10))
    amal = _entry(site, "Amal", day=1, criteria=VULNERABLE, wished_weekdays="35")
    fatima = _entry(site, "Fatima", day=3, criteria=VULNERABLE)
    _book(fatima, group)  # already booked that day
    chloe = _entry(site, "Chloé", day=2, criteria=NOT_VULNERABLE)
    _book(chloe, group, outcome="cancelled")  # a cancelled booking leaves the day free
    daan = _entry(site, "Daan", day=1, criteria={"single_parent": True})
    placed = _entry(site, "Eva", urgent=True)
    waiting_entry_set_status(entry=placed, status="placed")
    _entry(SiteFactory(name="Elief Noord"), "Gust", urgent=True)
    _entry(site, "Hiba", day=4)
    # Elif wishes no Wednesday, Bilal starts the day after, Fatima is booked, Eva placed.
    with django_assert_num_queries(1):
        found = candidates_for(site=site, day=WEDNESDAY, group=group)
    assert _names(found) == ["Amal", "Chloé", "Daan"]
    assert _names(candidates_for(site=site, day=WEDNESDAY, limit=10)) == [
        "Amal",
        "Chloé",
        "Daan",
        "Hiba",
    ]
    assert _names(candidates_for(site=site, day=dt.date(2026, 12, 10), limit=2)) == [
        "Elif",
        "Bilal",
    ]
    assert {elif_.pk, bilal.pk}.isdisjoint(e.pk for e in found)
    assert amal in found and daan in found


def test_candidates_refuse_a_group_of_another_site(site):
    with pytest.raises(ValueError):
        candidates_for(
            site=site, day=WEDNESDAY, group=GroupFactory(site=SiteFactory(name="Elief Noord"))
        )
