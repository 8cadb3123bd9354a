"""The absences and the parents' link on the board's monthly report: the page's table per
site, the columns appended to the key figures of the CSV and XLSX, without names, for
whom may see them, in a fixed number of queries."""

import csv
import datetime as dt
import io
from http import HTTPStatus

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elief.models import Role
from families.models import Child
from subsidies import services
from tests.factories import GroupFactory, SiteFactory, UserFactory
from tests.subsidies.absence_data import (
    MARCH,
    at,
    booking,
    march_absences,
    parent_reports,
    staff_records,
)

pytestmark = pytest.mark.django_db

MONTH = "?maand=2026-03"
END = dt.date(2026, 3, 31)
NAMES = ("Zebulon", "Quixote-Vanderwaal")
# The key figures' columns as they were before the absences: other tools read them by
# position, so they keep their names and their order.
KEY_COLUMNS = [
    "Vestiging",
    "Openingsdagen",
    "Plaatsdagen",
    "Geplande prestaties",
    "Prestaties",
    "Bezetting gepland (%)",
    "Bezetting gerealiseerd (%)",
    "Kinderen",
    "Kinderen uit kwetsbare gezinnen",
    "Kwetsbare gezinnen (%)",
    "Subsidieverlies (€)",
]
ABSENCE_COLUMNS = [
    "Afwezigheden gemeld vóór de dag",
    "waarvan door de ouder via de link",
    "Afwezigheden gemeld op de dag zelf of later",
    "Onverwittigd afwezig",
    "Afwezigheden tijdig gemeld (%)",
    "Afwezigheden niet gemeld (%)",
    "Plaatsen opnieuw ingevuld na melding door de ouder",
]


@pytest.fixture
def sites(site, group, coordinator):
    """Elief: March worked out by hand (3 in time by the parent, 1 on the day, 2 no-shows,
    1 refill). Elief Noord: one no-show. Every child carries a name to look for."""
    march_absences(site, group, coordinator)
    noord = SiteFactory(name="Elief Noord")
    staff_records(
        booking(GroupFactory(site=noord, name="Kikkers"), dt.date(2026, 3, 11)),
        at=at(dt.date(2026, 3, 11), 10),
    )
    Child.objects.update(first_name=NAMES[0], last_name=NAMES[1])
    for each in (site, noord):
        services.snapshots_store(site=each, start=MARCH, end=END)
    return site, noord


def _row(content: str, key) -> str:
    start = content.index(f'data-absences-of="{key}"')
    return content[start : content.index("</tr>", start)]


def _figure(row: str, name: str) -> str:
    start = row.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return row[start : row.index("</td>", start)]


def test_the_board_sees_each_sites_absences_and_the_whole(client, sites):
    own, noord = sites
    client.force_login(UserFactory(role=Role.BOARD))
    content = client.get(reverse("subsidies:report") + MONTH).content.decode()

    assert "Afwezigheden en de ouderlink" in content
    elief = _row(content, own.pk)
    assert [
        _figure(elief, name)
        for name in ("in_time", "in_time_by_parent", "late", "no_shows", "refilled")
    ] == ["3", "3", "1", "2", "1"]
    assert _figure(elief, "in_time_pct") == "50,0 %"
    assert _figure(elief, "no_show_pct") == "33,3 %"
    assert _figure(_row(content, noord.pk), "no_shows") == "1"
    assert _figure(_row(content, noord.pk), "in_time_pct") == "0,0 %"
    whole = _row(content, "all")
    assert "vzw (alle vestigingen)" in whole
    assert [_figure(whole, name) for name in ("in_time", "no_shows", "no_show_pct")] == [
        "3",
        "3",
        "42,9 %",
    ]
    for name in NAMES:
        assert name not in content


def test_a_sites_report_shows_only_its_absences(client, sites):
    own, noord = sites
    client.force_login(UserFactory(role=Role.BOARD))
    content = client.get(reverse("subsidies:report_site", args=[noord.pk]) + MONTH)
    content = content.content.decode()
    assert f'data-absences-of="{noord.pk}"' in content
    assert f'data-absences-of="{own.pk}"' not in content
    assert 'data-absences-of="all"' not in content


def test_another_sites_coordinator_does_not_see_them(client, sites):
    own, noord = sites
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[noord]))
    response = client.get(reverse("subsidies:report_site", args=[own.pk]) + MONTH)
    assert response.status_code == HTTPStatus.NOT_FOUND
    # The coordinator's "all sites" are her own: Noord's no-show alone.
    content = client.get(reverse("subsidies:report") + MONTH).content.decode()
    assert f'data-absences-of="{own.pk}"' not in content
    assert _figure(_row(content, noord.pk), "no_shows") == "1"
    rows = csv.reader(
        io.StringIO(
            client.get(reverse("subsidies:report_csv") + MONTH).content.decode("utf-8")[1:]
        ),
        delimiter=";",
    )
    assert {row[1] for row in rows if row[0] == "Kerncijfers"} == {
        "Elief Noord",
        "vzw (alle vestigingen)",
    }


def test_a_month_without_absences_says_so(client, site):
    services.snapshots_store(site=site, start=MARCH, end=END)
    client.force_login(UserFactory(role=Role.BOARD))
    content = client.get(reverse("subsidies:report") + MONTH).content.decode()
    assert "Geen afwezigheden genoteerd in deze maand." in content
    assert "data-absences-of" not in content


def test_the_xlsx_appends_the_absences_to_the_key_figures(client, sites):
    client.force_login(UserFactory(role=Role.BOARD))
    response = client.get(reverse("subsidies:report_xlsx") + MONTH)
    key = openpyxl.load_workbook(io.BytesIO(response.content))["Kerncijfers"]
    headers = [cell.value for cell in key[1]]
    assert headers == KEY_COLUMNS + ABSENCE_COLUMNS
    rows = {row[0]: row[len(KEY_COLUMNS) :] for row in key.iter_rows(2, values_only=True)}
    assert rows["Elief"][:4] == (3, 3, 1, 2)
    assert rows["Elief"][4] == pytest.approx(50)
    assert rows["Elief"][5] == pytest.approx(33.33, abs=0.01)
    assert rows["Elief"][6] == 1
    assert rows["Elief Noord"] == (0, 0, 0, 1, 0, 100, 0)
    assert rows["vzw (alle vestigingen)"][:4] == (3, 3, 1, 3)
    cells = " ".join(str(v) for row in key.iter_rows(values_only=True) for v in row)
    for name in NAMES:
        assert name not in cells


def test_the_csv_appends_the_absences_after_each_sites_key_figures(client, sites):
    client.force_login(UserFactory(role=Role.BOARD))
    response = client.get(reverse("subsidies:report_csv") + MONTH)
    content = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    elief = [row[2:] for row in rows if row[:2] == ["Kerncijfers", "Elief"]]
    assert [figure for figure, _value in elief] == KEY_COLUMNS[1:] + ABSENCE_COLUMNS
    values = dict(elief)
    assert values["Afwezigheden gemeld vóór de dag"] == "3"
    assert values["Afwezigheden tijdig gemeld (%)"] == "50,00"
    assert values["Plaatsen opnieuw ingevuld na melding door de ouder"] == "1"
    for name in NAMES:
        assert name not in content


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_the_absences_take_no_query_whatever_their_number(
    client, site, group, coordinator, django_assert_num_queries
):
    services.snapshots_store(site=site, start=MARCH, end=END)
    client.force_login(UserFactory(role=Role.BOARD))
    url = reverse("subsidies:report") + MONTH
    site_url = reverse("subsidies:report_site", args=[site.pk]) + MONTH
    queries, site_queries = _count_queries(client, url), _count_queries(client, site_url)

    march_absences(site, group, coordinator)
    for day in (dt.date(2026, 3, 19), dt.date(2026, 3, 20), dt.date(2026, 3, 23)):
        for _ in range(3):
            parent_reports(booking(group, day), at=at(day - dt.timedelta(days=1), 18))
            booking(group, day, made=at(day - dt.timedelta(days=1), 19))
    services.snapshots_store(site=site, start=MARCH, end=END)
    with django_assert_num_queries(queries):
        content = client.get(url).content.decode()
    with django_assert_num_queries(site_queries):
        client.get(site_url)
    assert _figure(_row(content, site.pk), "refilled") == "10"
