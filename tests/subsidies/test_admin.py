"""The administrator's tools: schemes with their rates and places, an add-only ledger."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from elief.models import Role
from subsidies import services
from subsidies.models import PlaceAssignment, Scheme
from tests.factories import (
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMIN))
    return client


@pytest.fixture
def group():
    return GroupFactory(site=SiteFactory(name="Elief"), name="Vlinders", occasional_places=6)


def _scheme_form(group, *assignments, name="Trap 3") -> dict:
    data = {
        "site": group.site_id,
        "name": name,
        "kind": "per_place_day",
        "category": "trap3",
        "rates-TOTAL_FORMS": "1",
        "rates-INITIAL_FORMS": "0",
        "rates-0-valid_from": "2026-01-01",
        "rates-0-rate_eur": "30.50",
        "rates-0-units": "0",
        "assignments-TOTAL_FORMS": str(len(assignments)),
        "assignments-INITIAL_FORMS": "0",
    }
    for index, (valid_from, places) in enumerate(assignments):
        data |= {
            f"assignments-{index}-group": group.pk,
            f"assignments-{index}-place_type": "occasional",
            f"assignments-{index}-valid_from": valid_from,
            f"assignments-{index}-places": places,
        }
    return data


def test_the_admin_adds_a_scheme_with_rates_and_places(admin_client, group):
    url = reverse("admin:subsidies_scheme_add")
    assert admin_client.get(url).status_code == HTTPStatus.OK
    response = admin_client.post(url, _scheme_form(group, ("2026-01-01", 4), ("2026-07-01", 6)))
    assert response.status_code == HTTPStatus.FOUND
    scheme = Scheme.objects.get()
    assert scheme.rates.get().rate_eur == Decimal("30.50")
    assert list(scheme.assignments.values_list("places", flat=True)) == [4, 6]


def test_the_places_of_the_schemes_stay_within_the_groups_places(admin_client, group):
    other = SchemeFactory(site=group.site, name="Trap 2A")
    PlaceAssignmentFactory(scheme=other, group=group, valid_from=dt.date(2026, 1, 1), places=2)
    url = reverse("admin:subsidies_scheme_add")
    # 2 + 4 = 6 is fine until July, when 2 + 5 would exceed the group's 6 places.
    response = admin_client.post(url, _scheme_form(group, ("2026-01-01", 4), ("2026-07-01", 5)))
    assert response.status_code == HTTPStatus.OK
    assert "2026-07-01" in response.content.decode()
    assert not Scheme.objects.filter(name="Trap 3").exists()
    assert PlaceAssignment.objects.count() == 1


def test_ledger_entries_can_be_added_but_not_changed_or_deleted(admin_client, group):
    scheme = SchemeFactory(site=group.site, name="Trap 3")
    SchemeRateFactory(scheme=scheme)
    add = reverse("admin:subsidies_ledgerentry_add")
    response = admin_client.post(
        add,
        {
            "scheme": scheme.pk,
            "kind": "advance",
            "period_start": "2026-04-01",
            "date": "2026-04-15",
            "amount_eur": "1000.00",
            "note": "",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    entry = scheme.ledger_entries.get()
    change = reverse("admin:subsidies_ledgerentry_change", args=[entry.pk])
    response = admin_client.post(change, {"amount_eur": "2000.00"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    delete = reverse("admin:subsidies_ledgerentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    entry.refresh_from_db()
    assert entry.amount_eur == Decimal("1000.00")
    assert admin_client.get(change).status_code == HTTPStatus.OK  # to look at


def test_a_period_must_be_a_quarter(admin_client, group):
    scheme = SchemeFactory(site=group.site, name="Trap 3")
    with pytest.raises(ValidationError):
        services.ledger_entry_create(
            scheme=scheme,
            kind="advance",
            period_start=dt.date(2026, 5, 1),
            date=dt.date(2026, 5, 2),
            amount_eur=Decimal(1),
            user=None,
        )


def test_the_snapshots_are_read_only(admin_client):
    assert admin_client.get(reverse("admin:subsidies_daysnapshot_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:subsidies_daysnapshot_add")).status_code == 403
