"""The selectors other pages use: the deadline summary for the home page and the figures
for the board's monthly report and the coordinator's figures page."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from elief.models import Role, Site
from referrals import selectors
from tests.factories import OrganisationFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

d = dt.date


def _started(site, organisation, received, first_care_day, closed_on):
    return ReferralFactory(
        site=site,
        organisation=organisation,
        received_date=received,
        status="started",
        first_care_day=first_care_day,
        closed_on=closed_on,
    )


@pytest.fixture
def march(site):
    """The hand-worked example of tests/referrals/test_rules.py, in the database.

    VDAB: started after 3, 7, 10 and 20 days (median 8.5, worst 20), one declined, one
    waiting since 2 March: 2 overdue. OCMW: started after 5, 9 and 30 days (median 9,
    worst 30), one withdrawn, one received on 30 March: 1 overdue. Outside March and on
    another site: not counted.
    """
    vdab, ocmw = OrganisationFactory(name="VDAB"), OrganisationFactory(name="OCMW Antwerpen")
    _started(site, vdab, d(2026, 3, 2), d(2026, 3, 5), d(2026, 3, 4))
    _started(site, vdab, d(2026, 3, 3), d(2026, 3, 10), d(2026, 3, 9))
    _started(site, vdab, d(2026, 3, 4), d(2026, 3, 14), d(2026, 3, 12))
    _started(site, vdab, d(2026, 3, 5), d(2026, 3, 25), d(2026, 3, 27))
    ReferralFactory(
        site=site,
        organisation=vdab,
        received_date=d(2026, 3, 9),
        status="declined",
        closed_on=d(2026, 3, 20),
    )
    ReferralFactory(site=site, organisation=vdab, received_date=d(2026, 3, 2), status="waiting")
    _started(site, ocmw, d(2026, 3, 10), d(2026, 3, 15), d(2026, 3, 12))
    _started(site, ocmw, d(2026, 3, 11), d(2026, 3, 20), d(2026, 3, 19))
    _started(site, ocmw, d(2026, 3, 2), d(2026, 4, 1), d(2026, 3, 30))
    ReferralFactory(
        site=site,
        organisation=ocmw,
        received_date=d(2026, 3, 16),
        status="withdrawn",
        closed_on=d(2026, 3, 18),
    )
    ReferralFactory(site=site, organisation=ocmw, received_date=d(2026, 3, 30))
    # Not in the figures of March on this site:
    _started(site, vdab, d(2026, 2, 27), d(2026, 3, 3), d(2026, 3, 2))
    _started(site, vdab, d(2026, 4, 1), d(2026, 4, 2), d(2026, 4, 1))
    _started(SiteFactory(name="Elief Noord"), vdab, d(2026, 3, 2), d(2026, 3, 30), d(2026, 3, 3))
    return vdab, ocmw


def test_the_figures_per_organisation_agree_with_the_hand_worked_example(site, march):
    vdab, ocmw = march
    figures = selectors.referral_figures(
        sites=[site], start=d(2026, 3, 1), end=d(2026, 3, 31), today=d(2026, 4, 15)
    )
    assert figures["referrals_received"] == 11
    assert figures["referrals_started"] == 7
    assert figures["referrals_overdue"] == 3
    assert figures["median_days_to_start"] == Decimal("9.0")  # of 3, 5, 7, 9, 10, 20, 30
    assert figures["max_days_to_start"] == 30
    rows = {row["organisation"]: row for row in figures["organisations"]}
    assert list(rows) == ["OCMW Antwerpen", "VDAB"]
    assert rows["VDAB"] == {
        "organisation_id": vdab.pk,
        "organisation": "VDAB",
        "received": 6,
        "started": 4,
        "declined": 1,
        "withdrawn": 0,
        "open": 1,
        "overdue": 2,
        "median_days_to_start": Decimal("8.5"),  # (7 + 10) / 2
        "max_days_to_start": 20,
    }
    assert (
        rows["OCMW Antwerpen"]["median_days_to_start"],
        rows["OCMW Antwerpen"]["max_days_to_start"],
        rows["OCMW Antwerpen"]["overdue"],
        rows["OCMW Antwerpen"]["withdrawn"],
    ) == (Decimal("9.0"), 30, 1, 1)


def test_the_figures_take_a_queryset_of_sites_in_two_queries(
    site, march, django_assert_num_queries
):
    with django_assert_num_queries(2):
        figures = selectors.referral_figures(
            sites=Site.objects.filter(name="Elief"),
            start=d(2026, 3, 1),
            end=d(2026, 3, 31),
            today=d(2026, 4, 15),
        )
    assert figures["referrals_received"] == 11


def test_a_month_without_referrals_has_no_median(site):
    figures = selectors.referral_figures(sites=[site], start=d(2026, 1, 1), end=d(2026, 1, 31))
    assert (figures["referrals_received"], figures["median_days_to_start"]) == (0, None)
    assert figures["organisations"] == []


def test_the_figures_page_shows_the_chosen_month(client, coordinator, march):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_figures") + "?month=2026-03")
    assert response.status_code == HTTPStatus.OK
    figures = response.context["figures"]
    assert (figures["start"], figures["end"]) == (d(2026, 3, 1), d(2026, 3, 31))
    assert figures["referrals_received"] == 11
    body = response.content.decode()
    vdab, _ocmw = march
    assert f'data-organisation="{vdab.pk}"' in body
    # Aggregates only: no child's name.
    assert "Yasmine" not in body


def test_the_figures_page_of_another_site_shows_nothing_of_this_one(client, march):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Zuid")]))
    response = client.get(reverse("referrals:referral_figures") + "?month=2026-03")
    assert response.context["figures"]["referrals_received"] == 0


# The deadline summary on the coordinator's home page


@pytest.fixture
def open_referrals(site):
    return {
        "overdue": ReferralFactory(
            site=site, received_date=timezone.localdate() - dt.timedelta(days=30)
        ),
        "due_soon": ReferralFactory(
            site=site, received_date=timezone.localdate() - dt.timedelta(days=18), status="waiting"
        ),
        "urgent": ReferralFactory(site=site, received_date=timezone.localdate(), urgent=True),
        "fresh": ReferralFactory(
            site=site, received_date=timezone.localdate() - dt.timedelta(days=1)
        ),
        "closed": ReferralFactory(
            site=site,
            received_date=timezone.localdate() - dt.timedelta(days=40),
            status="declined",
            closed_on=timezone.localdate() - dt.timedelta(days=20),
        ),
        "elsewhere": ReferralFactory(
            site=SiteFactory(name="Elief Noord"),
            received_date=timezone.localdate() - dt.timedelta(days=30),
        ),
    }


def test_the_deadline_summary_counts_and_lists_the_most_urgent(
    coordinator, open_referrals, django_assert_num_queries
):
    with django_assert_num_queries(2):
        summary = selectors.referral_deadline_summary(user=coordinator, today=timezone.localdate())
    assert (summary["open"], summary["urgent"], summary["overdue"], summary["due_soon"]) == (
        4,
        1,
        1,
        1,
    )
    order = [row["referral"].pk for row in summary["most_urgent"]]
    r = open_referrals
    assert order == [r["overdue"].pk, r["due_soon"].pk, r["fresh"].pk, r["urgent"].pk]
    first = summary["most_urgent"][0]
    assert (first["state"], first["days_over"]) == ("overdue", 9)
    summary = selectors.referral_deadline_summary(
        user=coordinator, today=timezone.localdate(), limit=2
    )
    assert len(summary["most_urgent"]) == 2


def test_other_roles_get_the_counts_but_no_names(open_referrals):
    board = UserFactory(role=Role.BOARD)
    summary = selectors.referral_deadline_summary(user=board, today=timezone.localdate())
    assert summary["open"] == 5  # all sites
    assert summary["most_urgent"] == []
    referrer = UserFactory(role=Role.REFERRER)
    assert (
        selectors.referral_deadline_summary(user=referrer, today=timezone.localdate())["open"] == 0
    )


def test_the_deadlines_fragment_renders_on_its_own(rf, coordinator, open_referrals):
    summary = selectors.referral_deadline_summary(user=coordinator, today=timezone.localdate())
    html = render_to_string("referrals/_deadlines.html", {"deadlines": summary})
    assert 'data-count="overdue"' in html
    assert reverse("referrals:referral_list") in html
    for referral in summary["most_urgent"]:
        assert reverse("referrals:referral_detail", args=[referral["referral"].pk]) in html


def test_the_coordinators_home_links_the_deadlines_css_in_its_head(
    client, coordinator, open_referrals
):
    client.force_login(coordinator)
    head, _body = client.get(reverse("home")).content.decode().split("</head>")
    assert "css/referrals.css" in head
