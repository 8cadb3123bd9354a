"""Who may open which page: every role against every kind of page, and site scoping."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.urls import reverse

from elief.models import Role
from elief.scoping import scope_to_sites
from planning.models import Group
from tests.factories import GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND, REDIRECT = (
    HTTPStatus.OK,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.FOUND,
)

ROLES = [Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN]

# page -> expected status per role, in the order of ROLES.
MATRIX = {
    "home": [OK, OK, OK, OK, OK],
    "password_change": [OK, OK, OK, OK, OK],
    "site_list": [OK, OK, OK, FORBIDDEN, OK],
    "own_site": [OK, OK, OK, FORBIDDEN, OK],
    "other_site": [NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, OK],
    "admin": [REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK],
}


@pytest.fixture
def sites():
    own, other = SiteFactory(name="Elief"), SiteFactory(name="Elief Noord")
    GroupFactory(site=own, name="Vlinders")
    GroupFactory(site=other, name="Zonnebloemen")
    return own, other


def _url(page: str, own, other) -> str:
    return {
        "home": reverse("home"),
        "password_change": reverse("password_change"),
        "site_list": reverse("planning:site_list"),
        "own_site": reverse("planning:site_detail", args=[own.pk]),
        "other_site": reverse("planning:site_detail", args=[other.pk]),
        "admin": reverse("admin:index"),
    }[page]


@pytest.mark.parametrize("page", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=[role.value for role in ROLES])
def test_each_role_gets_what_the_matrix_says(client, sites, page, role_index):
    own, other = sites
    role = ROLES[role_index]
    user = UserFactory(role=role, sites=[own] if role in (Role.COORDINATOR, Role.STAFF) else [])
    client.force_login(user)
    response = client.get(_url(page, own, other))
    assert response.status_code == MATRIX[page][role_index]


@pytest.mark.parametrize("page", [p for p in MATRIX if p != "admin"])
def test_it_sends_anonymous_visitors_to_sign_in(client, sites, page):
    own, other = sites
    response = client.get(_url(page, own, other))
    assert response.status_code == REDIRECT
    assert response.url.startswith(reverse("login"))


def test_health_needs_no_sign_in(client):
    response = client.get(reverse("health"))
    assert response.status_code == OK
    assert response.content == b"ok"


def test_it_rejects_other_sites_groups_in_lists(client, sites):
    own, other = sites
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[own]))
    for url in (
        reverse("home"),
        reverse("planning:site_list"),
        reverse("planning:site_detail", args=[own.pk]),
    ):
        body = client.get(url).content.decode()
        assert "Elief Noord" not in body
        assert "Zonnebloemen" not in body


def test_staff_of_two_sites_sees_both(client, sites):
    own, other = sites
    client.force_login(UserFactory(role=Role.STAFF, sites=[own, other]))
    assert client.get(reverse("planning:site_detail", args=[other.pk])).status_code == OK


def test_the_menu_shows_each_role_only_what_it_may_use(client, sites):
    own, _other = sites
    expected = {
        Role.COORDINATOR: (True, False),
        Role.BOARD: (True, False),
        Role.REFERRER: (False, False),
        Role.ADMIN: (True, True),
    }
    for role, (sites_item, admin_item) in expected.items():
        client.force_login(UserFactory(role=role, sites=[own]))
        body = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("planning:site_list")}"' in body) is sites_item, role
        assert (f'href="{reverse("admin:index")}"' in body) is admin_item, role


def test_names_are_for_coordinators_staff_and_administrators_only():
    assert UserFactory.build(role=Role.COORDINATOR).sees_names
    assert UserFactory.build(role=Role.STAFF).sees_names
    assert UserFactory.build(role=Role.ADMIN).sees_names
    assert not UserFactory.build(role=Role.BOARD).sees_names
    assert not UserFactory.build(role=Role.REFERRER, organisation=None).sees_names


def test_the_board_home_page_shows_aggregates_only(client, sites):
    client.force_login(UserFactory(role=Role.BOARD))
    coordinator = UserFactory(
        role=Role.COORDINATOR, first_name="Griet", last_name="Verhoeven", sites=[sites[0]]
    )
    body = client.get(reverse("home")).content.decode()
    assert coordinator.last_name not in body
    assert "60" in body  # 2 sites × 30 licensed places


def test_the_admin_flag_follows_the_role():
    coordinator = UserFactory(role=Role.COORDINATOR, is_staff=True)
    administrator = UserFactory(role=Role.ADMIN)
    assert not coordinator.is_staff
    assert administrator.is_staff


def test_a_coordinator_cannot_sign_in_to_the_admin(client, sites):
    UserFactory(role=Role.COORDINATOR, username="sara", password="secret-pass-123")
    response = client.post(
        reverse("admin:login"),
        {"username": "sara", "password": "secret-pass-123", "next": "/admin/"},
    )
    assert response.status_code == OK  # the form again, with an error
    assert client.get(reverse("admin:index")).status_code == REDIRECT


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.COORDINATOR, {"Vlinders", "Egeltjes"}),
        (Role.STAFF, {"Vlinders", "Egeltjes"}),
        (Role.BOARD, {"Vlinders", "Egeltjes", "Zonnebloemen", "Kikkers"}),
        (Role.ADMIN, {"Vlinders", "Egeltjes", "Zonnebloemen", "Kikkers"}),
        (Role.REFERRER, set()),
    ],
)
def test_scoping_keeps_the_rows_of_the_users_sites_each_once(role, sees):
    own, second, other = SiteFactory(), SiteFactory(), SiteFactory()
    GroupFactory(site=own, name="Vlinders")
    GroupFactory(site=second, name="Egeltjes")
    GroupFactory(site=other, name="Zonnebloemen")
    GroupFactory(site=other, name="Kikkers")
    user = UserFactory(role=role, sites=[own, second])
    # Another member of the same sites: the membership joined must not repeat a row.
    UserFactory(role=role, sites=[own, second])
    groups = scope_to_sites(Group.objects.all(), user)
    names = list(groups.values_list("name", flat=True))
    assert sorted(names) == sorted(sees)
    assert groups.count() == len(sees)
    assert groups.aggregate(total=Count("pk"))["total"] == len(sees)
    one = scope_to_sites(Group.objects.filter(name="Vlinders"), user)
    assert one.exists() is ("Vlinders" in sees)


def test_scoping_refuses_an_anonymous_visitor():
    GroupFactory()
    assert not scope_to_sites(Group.objects.all(), AnonymousUser()).exists()
