"""The board's home page: last month's key figures per site against the month before,
the same figures as the monthly report, in a fixed number of queries and without names."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elief.models import Role
from subsidies import services
from subsidies.models import SiteMonthSnapshot
from subsidies.templatetags import subsidies as tags
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FEBRUARY, MARCH = dt.date(2026, 2, 1), dt.date(2026, 3, 1)
NAME = "Quixote-Vanderwaal"


@pytest.fixture(autouse=True)
def _in_april(monkeypatch):
    monkeypatch.setattr(tags.timezone, "localdate", lambda: dt.date(2026, 4, 15))


def _site(name: str, *, february: int, march: int, children: int = 2):
    """A site with `children` present on the first `february` open days of February and
    the first `march` open days of March."""
    site = SiteFactory(name=name)
    group = GroupFactory(site=site, name="Vlinders", capacity=14)
    scheme = SchemeFactory(site=site, name="Trap 3", category="trap3")
    SchemeRateFactory(scheme=scheme, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("30.50"))
    PlaceAssignmentFactory(scheme=scheme, group=group, places=6)
    family = FamilyFactory(site=site, low_income=True, single_parent=True)
    kids = [ChildFactory(family=family, last_name=NAME) for _ in range(children)]
    for month, days in ((FEBRUARY, february), (MARCH, march)):
        for day in site.open_days(month, month + dt.timedelta(days=27))[:days]:
            for child in kids:
                BookingFactory(
                    group=group, child=child, date=day, place_type="occasional", outcome="present"
                )
    services.snapshots_store(site=site, start=FEBRUARY, end=dt.date(2026, 3, 31))
    return site


def _board(client):
    client.force_login(UserFactory(role=Role.BOARD))


def test_the_board_sees_each_sites_figures_with_their_trend(client):
    site = _site("Elief", february=2, march=10)
    _board(client)
    body = client.get(reverse("home")).content.decode()
    row = re.search(rf'<tr data-site="{site.pk}">(.*?)</tr>', body, re.S).group(1)
    report = client.get(reverse("subsidies:report") + "?maand=2026-03").context["report"]
    figures = report.per_site[0]
    # 10 days of 2 children of 14 places, 22 open days: 20 / 308.
    assert figures["prestaties"] == 20
    assert 'data-metric="prestaties">20,0<' in row
    assert 'data-metric="occupancy_pct">6,5 %<' in row
    assert figures["lost_eur"] == (10 * 4 + 12 * 6) * Decimal("30.50")
    assert 'data-metric="lost_eur">€ 3.416,00<' in row
    # February: 4 care days; March: 20, so 16 more, and less lost (116 empty places).
    prestaties = re.search(r'data-metric="prestaties">.*?</td>', row, re.S).group(0)
    assert 'data-change="up"' in prestaties and "↑" in prestaties and " 16<" in prestaties
    lost = re.search(r'data-metric="lost_eur">.*?</td>', row, re.S).group(0)
    assert 'class="change better" data-change="down"' in lost
    assert "↓" in lost and "€ 122,00" in lost  # (116 - 112) × 30.50
    occupancy = re.search(r'data-metric="occupancy_pct">.*?</td>', row, re.S).group(0)
    assert "↑" in occupancy and "5,1 procentpunt" in occupancy  # 6.49 % against 4 / 280 = 1.43 %
    vulnerable = re.search(r'data-metric="vulnerable_pct">.*?</td>', row, re.S).group(0)
    assert 'data-change="same"' in vulnerable  # 100 % both months


def test_a_month_without_children_counted_draws_no_arrow_against_it(client):
    site = _site("Elief", february=2, march=10)
    # February's figures without its children (a month before the nightly work counted them).
    SiteMonthSnapshot.objects.filter(site=site, month=FEBRUARY).delete()
    _board(client)
    body = client.get(reverse("home")).content.decode()
    row = re.search(rf'<tr data-site="{site.pk}">(.*?)</tr>', body, re.S).group(1)
    vulnerable = re.search(r'data-metric="vulnerable_pct">.*?</td>', row, re.S).group(0)
    assert "100,0 %" in vulnerable and "data-change" not in vulnerable


def test_a_site_without_figures_says_so(client):
    SiteFactory(name="Nieuw")
    _board(client)
    body = client.get(reverse("home")).content.decode()
    assert 'id="board-home"' in body
    assert "geen cijfers" in body


def test_the_board_home_names_no_one_and_others_do_not_see_it(client):
    site = _site("Elief", february=1, march=1)
    _board(client)
    body = client.get(reverse("home")).content.decode()
    assert NAME not in body
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))
    assert 'id="board-home"' not in client.get(reverse("home")).content.decode()


def test_the_board_home_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    _site("Elief", february=1, march=1, children=1)
    _board(client)
    url = reverse("home")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)
    _site("Elief Noord", february=8, march=10, children=6)
    _site("Elief Zuid", february=8, march=10, children=6)
    with django_assert_num_queries(queries):
        body = client.get(url).content.decode()
    assert body.count("<tr data-site=") == 3
