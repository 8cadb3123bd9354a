"""`manage.py import_site`: the configuration format of DESIGN.md."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from elief.models import ClosingDay, Site, SiteSettings
from planning.models import Group

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
    assert _snapshot() == [[], [], [], []]


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
    with pytest.raises(CommandError, match="not valid UTF-8 JSON .*line 1 column"):
        _import(tmp_path, '{"site": "Elief",')


def test_it_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_site", str(tmp_path / "missing.json"))
