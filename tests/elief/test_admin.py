"""The administration: the administrator's role opens every model, nobody else's does; every
change is logged; the model rules show as form errors."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.urls import reverse

from elief.models import ClosingDay, Organisation, Role, Site, User
from planning.models import Group
from referrals.models import ContactPerson
from tests.factories import GroupFactory, OrganisationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every model the administration shows, by its admin URL name ("elief_site").
MODELS = sorted(
    f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry
)
# Those the administrator adds to; the log, the referrals and the nightly figures are
# written elsewhere.
ADDABLE = [
    "elief_closingday",
    "elief_organisation",
    "elief_site",
    "elief_user",
    "planning_absencecode",
    "planning_group",
    "referrals_contactperson",
    "subsidies_ledgerentry",
    "subsidies_scheme",
]


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMIN, username="beheer")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def elief():
    return SiteFactory(name="Elief")


def test_the_administration_shows_the_models_the_administrator_manages():
    names = {name.split("_", 1)[1] for name in MODELS}

    assert {
        "user",
        "site",
        "closingday",
        "organisation",
        "contactperson",
        "group",
        "absencecode",
        "scheme",
        "ledgerentry",
        "logentry",
    } <= names


@pytest.mark.parametrize("model", MODELS)
def test_the_administrator_opens_every_list(admin_client, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", ADDABLE)
def test_the_administrator_opens_every_add_form(admin_client, model):
    response = admin_client.get(reverse(f"admin:{model}_add"))

    assert response.status_code == HTTPStatus.OK


def test_the_index_lists_users_sites_and_groups_in_dutch(admin_client):
    body = admin_client.get(reverse("admin:index")).content.decode()

    for name in ("Gebruikers", "Vestigingen", "Leefgroepen", "Sluitingsdagen"):
        assert name in body


def test_the_administration_names_the_sites_icon(admin_client):
    # Without it the browser asks for /favicon.ico on every admin page and logs a 404.
    body = admin_client.get(reverse("admin:index")).content.decode()

    assert '<link rel="icon" href="/static/img/elief.svg"' in body


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.REFERRER])
@pytest.mark.parametrize("model", ["elief_user", "elief_site", "planning_group", "admin_logentry"])
def test_other_roles_are_sent_to_the_admin_login(client, elief, role, model):
    client.force_login(UserFactory(role=role, sites=[elief]))

    for url in (reverse(f"admin:{model}_changelist"), reverse(f"admin:{model}_add")):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("admin:login"))


def test_the_administrator_creates_a_begeleider_of_one_site(admin_client, elief):
    SiteFactory(name="Andere")

    response = admin_client.post(
        reverse("admin:elief_user_add"),
        {
            "username": "lotte",
            "usable_password": "true",
            "password1": "tablet-pass-2026",
            "password2": "tablet-pass-2026",
            "first_name": "Lotte",
            "last_name": "Peeters",
            "email": "",
            "role": Role.STAFF,
            "sites": [elief.pk],
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    lotte = User.objects.get(username="lotte")
    assert (lotte.role, list(lotte.sites.all()), lotte.is_staff) == (Role.STAFF, [elief], False)
    assert authenticate(username="lotte", password="tablet-pass-2026") == lotte


@pytest.mark.parametrize(("day", "saved"), [("2027-01-14", True), ("9999-12-31", False)])
def test_a_closing_day_is_held_to_the_applications_dates(admin_client, elief, day, saved):
    response = admin_client.post(
        reverse("admin:elief_closingday_add"),
        {"site": elief.pk, "date": day, "reason": "Pedagogische studiedag"},
    )

    assert response.status_code == (HTTPStatus.FOUND if saved else HTTPStatus.OK)
    assert ClosingDay.objects.filter(site=elief).exists() == saved


def test_a_referrer_without_an_organisation_is_a_form_error(admin_client):
    response = admin_client.post(
        reverse("admin:elief_user_add"),
        {
            "username": "toeleider2",
            "usable_password": "false",
            "role": Role.REFERRER,
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "Een toeleider hoort bij een partnerorganisatie." in response.content.decode()
    assert not User.objects.filter(username="toeleider2").exists()


def test_a_change_is_logged_with_who_and_when_and_shown_in_the_history(
    admin_client, administrator, elief
):
    group = GroupFactory(
        site=elief, name="Vlinders", capacity=14, regular_places=6, occasional_places=6
    )

    response = admin_client.post(
        reverse("admin:planning_group_change", args=[group.pk]),
        {
            "site": elief.pk,
            "name": "Vlinders",
            "capacity": 12,
            "regular_places": 6,
            "occasional_places": 6,
            "urgent_reserve": 1,
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    entry = LogEntry.objects.get(object_id=str(group.pk), content_type__model="group")
    assert (entry.user, entry.action_flag) == (administrator, CHANGE)
    assert "Capacity" in entry.change_message
    history = admin_client.get(reverse("admin:planning_group_history", args=[group.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "beheer" in history.content.decode()
    change_page = admin_client.get(reverse("admin:planning_group_change", args=[group.pk]))
    assert "Geschiedenis" in change_page.content.decode()
    log = admin_client.get(reverse("admin:admin_logentry_changelist"))
    assert "Vlinders" in log.content.decode()


def test_adding_an_organisation_with_a_contact_person_is_logged(admin_client, administrator):
    response = admin_client.post(
        reverse("admin:elief_organisation_add"),
        {
            "name": "Kind en Gezin",
            "contact_persons-TOTAL_FORMS": "1",
            "contact_persons-INITIAL_FORMS": "0",
            "contact_persons-0-name": "An Janssens",
            "contact_persons-0-function": "regioverantwoordelijke",
            "contact_persons-0-phone": "",
            "contact_persons-0-email": "an@example.be",
            "contact_persons-0-active": "on",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    organisation = Organisation.objects.get(name="Kind en Gezin")
    assert ContactPerson.objects.get().organisation == organisation
    entry = LogEntry.objects.get(content_type__model="organisation")
    assert (entry.user, entry.action_flag, entry.object_repr) == (
        administrator,
        ADDITION,
        "Kind en Gezin",
    )


def _group_form(site: Site, **values) -> dict:
    return {
        "site": site.pk,
        "name": "Egeltjes",
        "capacity": 10,
        "regular_places": 6,
        "occasional_places": 4,
        "urgent_reserve": 1,
        **values,
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"regular_places": 8}, "zijn meer dan de capaciteit (10)"),
        ({"urgent_reserve": 5}, "De urgentiereserve maakt deel uit van de occasionele plaatsen."),
        ({"capacity": 19}, "18"),
    ],
)
def test_a_group_against_the_rules_is_a_form_error(admin_client, elief, values, message):
    response = admin_client.post(reverse("admin:planning_group_add"), _group_form(elief, **values))

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Group.objects.exists()


def test_a_site_that_closes_before_it_opens_is_a_form_error(admin_client):
    response = admin_client.post(
        reverse("admin:elief_site_add"),
        {
            "name": "Nachtwacht",
            "licensed_places": 20,
            "opens": "18:00",
            "closes": "07:30",
            "opening_weekdays": "12345",
            "settings-TOTAL_FORMS": "0",
            "settings-INITIAL_FORMS": "0",
            "closing_days-TOTAL_FORMS": "0",
            "closing_days-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "De vestiging moet later sluiten dan ze opent." in response.content.decode()
    assert not Site.objects.filter(name="Nachtwacht").exists()


def test_the_administrator_adds_a_closing_day(admin_client, elief):
    response = admin_client.post(
        reverse("admin:elief_closingday_add"),
        {"site": elief.pk, "date": "2026-07-20", "reason": "Teamdag"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert elief.closed_reason(dt.date(2026, 7, 20)) == "Teamdag"


def test_the_form_labels_a_site_in_dutch(admin_client):
    body = admin_client.get(reverse("admin:planning_group_add")).content.decode()

    assert "Vestiging" in body
    assert ">Site<" not in body


def test_the_change_page_gives_a_link_to_choose_a_password(admin_client, client, elief):
    lotte = UserFactory(role=Role.STAFF, sites=[elief], username="lotte")
    lotte.set_unusable_password()
    lotte.save()

    page = admin_client.get(reverse("admin:elief_user_change", args=[lotte.pk]))
    link = page.context["password_reset_link"]
    admin_client.logout()
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "nieuw-wachtwoord-77", "new_password2": "nieuw-wachtwoord-77"},
    )

    assert link.startswith("http://testserver/")
    assert authenticate(username="lotte", password="nieuw-wachtwoord-77") == lotte


def test_the_administrator_deactivates_users_and_cannot_delete_them(
    admin_client, administrator, elief
):
    lotte = UserFactory(role=Role.STAFF, sites=[elief])

    admin_client.post(
        reverse("admin:elief_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [lotte.pk, administrator.pk]},
    )

    lotte.refresh_from_db()
    administrator.refresh_from_db()
    assert (lotte.is_active, administrator.is_active) == (False, True)
    assert LogEntry.objects.filter(object_id=str(lotte.pk), action_flag=CHANGE).exists()
    delete = admin_client.get(reverse("admin:elief_user_delete", args=[lotte.pk]))
    assert delete.status_code == HTTPStatus.FORBIDDEN


def test_only_a_superuser_makes_another_superuser(admin_client, elief):
    lotte = UserFactory(role=Role.STAFF, sites=[elief])

    page = admin_client.get(reverse("admin:elief_user_change", args=[lotte.pk]))

    assert "is_superuser" not in page.context["adminform"].form.fields


def test_a_closing_day_can_be_removed_again(admin_client, elief):
    closing = ClosingDay.objects.create(site=elief, date=dt.date(2026, 7, 20))

    response = admin_client.post(
        reverse("admin:elief_closingday_delete", args=[closing.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not ClosingDay.objects.exists()


def test_an_organisation_with_members_is_not_deleted(admin_client):
    vdab = OrganisationFactory(name="VDAB")
    UserFactory(role=Role.REFERRER, organisation=vdab)

    response = admin_client.post(
        reverse("admin:elief_organisation_delete", args=[vdab.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.OK
    assert Organisation.objects.filter(name="VDAB").exists()
