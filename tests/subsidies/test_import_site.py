"""`manage.py import_site`: the configuration format of DESIGN.md, schemes included."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from elief.models import ClosingDay, Site, SiteSettings
from planning.models import Group
from subsidies.models import PlaceAssignment, Scheme, SchemeRate

pytestmark = pytest.mark.django_db

CONFIG = {
    "site": "Elief",
    "licensed_places": 30,
    "opens": "07:30",
    "closes": "18:00",
    "ratio": 5,
    "max_overflow_risk_pct": 5,
    "urgent_release_days": 2,
    "half_day_under_hours": 5,
    "closing_days": ["2026-12-25"],
    "groups": [
        {
            "name": "Vlinders",
            "capacity": 14,
            "regular_places": 8,
            "occasional_places": 6,
            "urgent_reserve": 1,
        }
    ],
    "schemes": [
        {
            "name": "Trap 3",
            "kind": "per_place_day",
            "group": "Vlinders",
            "place_type": "occasional",
            "places": 6,
            "rate_eur": 30.50,
            "valid_from": "2026-01-01",
        }
    ],
}


def _import(tmp_path, data) -> str:
    path = tmp_path / "site.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("import_site", str(path), stdout=out)
    return out.getvalue()


def _snapshot() -> list:
    return [
        list(Site.objects.values()),
        list(SiteSettings.objects.values()),
        list(ClosingDay.objects.values()),
        list(Group.objects.values()),
        list(Scheme.objects.values()),
        list(SchemeRate.objects.values()),
        list(PlaceAssignment.objects.values()),
    ]


def test_it_creates_the_site_with_its_settings_days_and_groups(tmp_path):
    output = _import(tmp_path, CONFIG)
    site = Site.objects.get()
    assert "created" in output
    assert (site.name, site.licensed_places, site.opens, site.closes) == (
        "Elief",
        30,
        dt.time(7, 30),
        dt.time(18),
    )
    assert site.opening_weekdays == "12345"
    settings = site.settings.get()
    assert settings.ratio == 5
    assert settings.max_overflow_risk_pct == Decimal(5)
    assert settings.urgent_release_time == dt.time(16)  # the default of the domain rules
    assert settings.referral_deadline_days == 21
    assert list(site.closing_days.values_list("date", flat=True)) == [dt.date(2026, 12, 25)]
    group = Group.objects.get()
    assert (
        group.name,
        group.capacity,
        group.regular_places,
        group.occasional_places,
        group.urgent_reserve,
    ) == (
        "Vlinders",
        14,
        8,
        6,
        1,
    )


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    _import(tmp_path, CONFIG)
    before = _snapshot()
    output = _import(tmp_path, CONFIG)
    assert "unchanged" in output
    assert _snapshot() == before


def test_a_second_file_updates_the_site_of_that_name(tmp_path):
    _import(tmp_path, CONFIG)
    changed = copy.deepcopy(CONFIG)
    changed["licensed_places"] = 32
    changed["groups"][0]["capacity"] = 15
    changed["groups"][0]["occasional_places"] = 7
    changed["groups"].append(
        {
            "name": "Egeltjes",
            "capacity": 12,
            "regular_places": 12,
            "occasional_places": 0,
            "urgent_reserve": 0,
        }
    )
    changed["closing_days"] = ["2026-12-24", "2026-12-25"]
    _import(tmp_path, changed)
    assert Site.objects.get().licensed_places == 32
    assert Group.objects.get(name="Vlinders").capacity == 15
    assert Group.objects.count() == 2
    assert ClosingDay.objects.count() == 2


def test_a_changed_rule_gets_a_new_dated_entry(tmp_path):
    _import(tmp_path, CONFIG)
    changed = {**CONFIG, "ratio": 6, "valid_from": "2027-01-01"}
    _import(tmp_path, changed)
    site = Site.objects.get()
    assert site.settings.count() == 2
    assert site.settings_on(dt.date(2026, 12, 31)).ratio == 5
    assert site.settings_on(dt.date(2027, 1, 1)).ratio == 6


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop("site"), "site: "),
        (lambda c: c.update(licensed_places="dertig"), "licensed_places: "),
        (lambda c: c.update(opens="7u30"), "opens: "),
        (lambda c: c.update(closes="07:00"), "closes: "),
        (lambda c: c.update(max_overflow_risk_pct=150), "max_overflow_risk_pct: "),
        (lambda c: c.update(capacity=14), "capacity: unknown field"),
        (lambda c: c.update(closing_days=["25/12/2026"]), "closing_days[0].date: "),
        (lambda c: c["groups"][0].update(capacity=20), "groups[0].capacity: "),
        (lambda c: c["groups"][0].update(occasional_places=8), "groups[0].occasional_places: "),
        (lambda c: c["groups"][0].update(urgent_reserve=7), "groups[0].urgent_reserve: "),
        (lambda c: c["groups"][0].pop("name"), "groups[0].name: "),
        (
            lambda c: c["groups"].append(dict(c["groups"][0])),
            "groups[1].name: 'Vlinders' appears twice",
        ),
        (lambda c: c.update(groups={"name": "x"}), "groups: must be a list"),
    ],
)
def test_a_bad_file_is_rejected_whole_naming_the_field(tmp_path, change, message):
    bad = copy.deepcopy(CONFIG)
    change(bad)
    with pytest.raises(CommandError) as error:
        _import(tmp_path, bad)
    assert message in str(error.value)
    assert _snapshot() == [[], [], [], [], [], [], []]


def test_a_bad_group_leaves_an_existing_site_untouched(tmp_path):
    _import(tmp_path, CONFIG)
    before = _snapshot()
    bad = copy.deepcopy(CONFIG)
    bad["licensed_places"] = 40
    bad["groups"].append(
        {"name": "Egeltjes", "capacity": 30, "regular_places": 0, "occasional_places": 0}
    )
    with pytest.raises(CommandError, match=r"groups\[1\]\.capacity"):
        _import(tmp_path, bad)
    assert _snapshot() == before


def test_it_reports_broken_json_with_its_position(tmp_path):
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="not valid JSON: line 1, column 18"),
    ):
        _import(tmp_path, '{"site": "Elief",')


def test_it_reports_a_missing_file(tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="no such file"):
        call_command("import_site", str(tmp_path / "missing.json"))


# Subsidy schemes


def test_it_imports_the_schemes_with_their_rate_and_places(tmp_path):
    _import(tmp_path, CONFIG)
    scheme = Scheme.objects.get()
    assert (scheme.site.name, scheme.name, scheme.kind, scheme.category) == (
        "Elief",
        "Trap 3",
        "per_place_day",
        "trap3",
    )
    # Kind en Gezin's steps start with their conditions: 220 days of 11 hours.
    assert (scheme.min_open_days, scheme.min_open_hours) == (220, Decimal(11))
    rate = scheme.rates.get()
    assert (rate.valid_from, rate.rate_eur) == (dt.date(2026, 1, 1), Decimal("30.50"))
    assignment = scheme.assignments.get()
    assert (assignment.group.name, assignment.place_type, assignment.places) == (
        "Vlinders",
        "occasional",
        6,
    )


def _with_schemes(*schemes) -> dict:
    config = copy.deepcopy(CONFIG)
    config["schemes"] = [*config["schemes"], *schemes]
    return config


def test_a_scheme_listed_again_later_changes_rate_and_places_from_that_date(tmp_path):
    config = _with_schemes(
        {
            "name": "Trap 3",
            "kind": "per_place_day",
            "group": "Vlinders",
            "place_type": "occasional",
            "places": 4,
            "rate_eur": 32,
            "valid_from": "2026-07-01",
        },
        {
            "name": "Trap 2B",
            "kind": "per_place_day",
            "group": "Vlinders",
            "place_type": "regular",
            "places": 8,
            "rate_eur": 24.10,
            "valid_from": "2026-01-01",
        },
    )
    _import(tmp_path, config)
    trap3 = Scheme.objects.get(name="Trap 3")
    assert list(trap3.rates.values_list("valid_from", "rate_eur")) == [
        (dt.date(2026, 1, 1), Decimal("30.50")),
        (dt.date(2026, 7, 1), Decimal("32.00")),
    ]
    assert list(trap3.assignments.values_list("valid_from", "places")) == [
        (dt.date(2026, 1, 1), 6),
        (dt.date(2026, 7, 1), 4),
    ]
    assert Scheme.objects.get(name="Trap 2B").category == "trap2b"
    before = _snapshot()
    assert "unchanged" in _import(tmp_path, config)
    assert _snapshot() == before


def test_a_changed_rate_of_the_same_date_updates_that_entry(tmp_path):
    _import(tmp_path, CONFIG)
    changed = copy.deepcopy(CONFIG)
    changed["schemes"][0]["rate_eur"] = 31
    output = _import(tmp_path, changed)
    assert "Trap 3: rate of 2026-01-01" in output
    assert SchemeRate.objects.get().rate_eur == Decimal("31.00")


def test_trainees_and_lump_sums_need_no_group(tmp_path):
    config = _with_schemes(
        {
            "name": "W&E opleidingsplaatsen",
            "kind": "per_trainee_month",
            "places": 2,
            "rate_eur": 1450,
            "valid_from": "2026-01-01",
        },
        {"name": "Stadsfonds gebouw", "kind": "lump_sum", "rate_eur": 12000},
    )
    _import(tmp_path, config)
    trainees = Scheme.objects.get(name="W&E opleidingsplaatsen")
    assert trainees.category == "trainees"
    assert trainees.rates.get().units == 2
    assert not trainees.assignments.exists()
    fund = Scheme.objects.get(name="Stadsfonds gebouw")
    assert fund.category == "city_fund"
    assert fund.rates.get().rate_eur == Decimal(12000)


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ({"kind": "per_month"}, "schemes[0].kind: "),
        ({"rate_eur": "veel"}, "schemes[0].rate_eur: "),
        ({"rate_eur": -1}, "schemes[0].rate_eur: "),
        ({"valid_from": "01/01/2026"}, "schemes[0].valid_from: "),
        ({"group": "Egeltjes"}, "schemes[0].group: no group 'Egeltjes'"),
        ({"place_type": "urgent"}, "schemes[0].place_type: "),
        ({"places": 7}, "schemes[0].places: the schemes of group Vlinders cover more than its 6"),
        ({"colour": "red"}, "schemes[0].colour: unknown field"),
        ({"group": None}, "schemes[0].group: "),
    ],
)
def test_a_bad_scheme_rejects_the_whole_file(tmp_path, scheme, message):
    bad = copy.deepcopy(CONFIG)
    bad["schemes"][0].update(scheme)
    if scheme.get("group", "") is None:
        del bad["schemes"][0]["group"]
    with pytest.raises(CommandError) as error:
        _import(tmp_path, bad)
    assert message in str(error.value)
    assert _snapshot() == [[], [], [], [], [], [], []]


def test_two_schemes_may_not_share_more_places_than_the_group_has(tmp_path):
    bad = _with_schemes(
        {
            "name": "Voorfinanciering",
            "kind": "per_place_day",
            "group": "Vlinders",
            "place_type": "occasional",
            "places": 2,
            "rate_eur": 10,
            "valid_from": "2026-03-01",
        }
    )
    with pytest.raises(CommandError, match=r"schemes\[1\]\.places: .* from 2026-03-01"):
        _import(tmp_path, bad)


def test_a_bad_scheme_leaves_an_existing_site_untouched(tmp_path):
    _import(tmp_path, CONFIG)
    before = _snapshot()
    bad = copy.deepcopy(CONFIG)
    bad["licensed_places"] = 40
    bad["schemes"][0]["places"] = 9
    with pytest.raises(CommandError, match=r"schemes\[0\]\.places"):
        _import(tmp_path, bad)
    assert _snapshot() == before


def test_site_and_scheme_errors_are_reported_together(tmp_path):
    bad = copy.deepcopy(CONFIG)
    bad["licensed_places"] = "dertig"
    bad["schemes"][0]["kind"] = "per_week"
    with pytest.raises(CommandError) as error:
        _import(tmp_path, bad)
    assert "licensed_places: " in str(error.value)
    assert "schemes[0].kind: " in str(error.value)


def test_the_same_name_with_another_kind_is_refused(tmp_path):
    bad = _with_schemes(
        {"name": "Trap 3", "kind": "lump_sum", "rate_eur": 100, "valid_from": "2026-07-01"}
    )
    with pytest.raises(CommandError, match=r"schemes\[1\]\.kind: 'Trap 3' is per_place_day"):
        _import(tmp_path, bad)
