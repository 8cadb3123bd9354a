"""Today's list one group at a time, remembered per tablet; and the staff figures read
the same way ("on shift / needed") on the tablet, the day plan and the printable list."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from planning.models import Booking, Shift, StaffMember
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_DAY = (dt.time(0, 0), dt.time(23, 59, 59))


@pytest.fixture
def site():
    return SiteFactory(name="Elief", opening_weekdays="1234567")


@pytest.fixture
def groups(site):
    return [
        GroupFactory(site=site, name=name, capacity=14) for name in ("Vlinders", "Rupsen", "Bijen")
    ]


@pytest.fixture
def staff_client(client, site):
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    return client


def _present(group, first_name: str) -> Booking:
    child = ChildFactory(family=FamilyFactory(site=group.site), first_name=first_name)
    return Booking.objects.create(
        child=child,
        group=group,
        date=timezone.localdate(),
        start=ALL_DAY[0],
        end=ALL_DAY[1],
        place_type="occasional",
        outcome="present",
        arrived=ALL_DAY[0],
    )


def _url(site, query: str = "") -> str:
    return reverse("planning:today_site", args=[site.pk]) + query


def _shown(body: str) -> list[str]:
    return re.findall(r'<h2 id="group-title-\d+">([^<]+)</h2>', body)


def test_all_groups_show_until_a_tablet_picks_one(staff_client, site, groups):
    body = staff_client.get(_url(site)).content.decode()
    assert _shown(body) == ["Bijen", "Rupsen", "Vlinders"]
    assert '<a href="?groep=alle" aria-current="page">Alle groepen</a>' in body


def test_a_tablet_remembers_its_group(staff_client, site, groups):
    vlinders = groups[0]
    _present(vlinders, "Amira")
    _present(groups[1], "Bram")
    response = staff_client.get(_url(site, f"?groep={vlinders.pk}"))
    body = response.content.decode()
    assert _shown(body) == ["Vlinders"]
    assert "Amira" in body and "Bram" not in body
    assert f'href="?groep={vlinders.pk}" aria-current="page"' in body
    # The site's counts stay those of the whole site.
    assert "2 kinderen nu hier" in body
    cookie = response.cookies[f"today_group_{site.pk}"]
    assert cookie.value == str(vlinders.pk) and cookie["httponly"]
    # The next morning, the same tablet opens on its group; "all groups" is one tap away.
    assert _shown(staff_client.get(_url(site)).content.decode()) == ["Vlinders"]
    staff_client.get(_url(site, "?groep=alle"))
    assert _shown(staff_client.get(_url(site)).content.decode()) == ["Bijen", "Rupsen", "Vlinders"]


def test_another_sites_group_shows_all_groups(staff_client, site, groups):
    other = GroupFactory(site=SiteFactory(name="Elief Noord"), name="Egels")
    response = staff_client.get(_url(site, f"?groep={other.pk}"))
    assert response.status_code == HTTPStatus.OK
    assert _shown(response.content.decode()) == ["Bijen", "Rupsen", "Vlinders"]


def test_the_htmx_board_keeps_the_tablets_group(staff_client, site, groups):
    staff_client.get(_url(site, f"?groep={groups[1].pk}"))
    response = staff_client.get(_url(site), headers={"HX-Request": "true"})
    assert _shown(response.content.decode()) == ["Rupsen"]


def test_staff_figures_read_on_shift_then_needed_everywhere(client, site, groups):
    vlinders = groups[0]
    for name in ("Amira", "Bram", "Chloé", "Dries", "Emma", "Finn"):
        _present(vlinders, name)  # 6 children, ratio 5: 2 staff needed
    member = StaffMember.objects.create(site=site, name="Sofie", counts_in_ratio=True)
    Shift.objects.create(
        staff_member=member,
        group=vlinders,
        date=timezone.localdate(),
        start=ALL_DAY[0],
        end=ALL_DAY[1],
    )
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))
    day = f"?dag={timezone.localdate():%Y-%m-%d}"
    pages = {
        "tablet": client.get(_url(site)),
        "day plan": client.get(reverse("planning:dayplan_site", args=[site.pk]) + day),
        "day list": client.get(reverse("planning:day_list", args=[site.pk]) + day),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == HTTPStatus.OK, name
        assert "nodig / in dienst" not in body.lower(), name
        assert not re.search(r"nodig \d+, in dienst", body), name
    tablet = pages["tablet"].content.decode()
    assert "Begeleiders in dienst / nodig" in tablet
    assert re.search(r'data-count="staff">1<span class="of"> / 2<', tablet)
    plan = pages["day plan"].content.decode()
    assert "Begeleiders in dienst / nodig" in plan
    assert re.search(r'class="strip-cell short"[^>]*>1/2<', plan)
