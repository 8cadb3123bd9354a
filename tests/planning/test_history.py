"""A booking's history in Dutch words, never codes or ISO dates."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from elief.models import User
from planning.history import change_sentence, day_in_words
from planning.models import BookingChange

TODAY = dt.date(2026, 12, 1)
AT = dt.datetime(2026, 12, 3, 14, 2, tzinfo=zoneinfo.ZoneInfo("Europe/Brussels"))
SNAPSHOT = {
    "group": "Kikkers",
    "date": "2026-12-07",
    "start": "08:30",
    "end": "16:30",
    "place_type": "occasional",
    "outcome": "planned",
    "arrived": None,
    "left": None,
    "absence_code": None,
}


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl-be"):
        yield


def _change(action, before=None, user=None, **after):
    return BookingChange(
        action=action, before=before, after={**SNAPSHOT, **after}, at=AT, user=user
    )


SARA = User(username="sara", first_name="Sara", last_name="Peeters")


def test_a_move_between_groups_says_from_where_to_where_by_whom_and_when():
    change = _change("moved", before=SNAPSHOT, user=SARA, group="Vlinders")
    assert (
        change_sentence(change, today=TODAY)
        == "verplaatst van Kikkers naar Vlinders door Sara Peeters, 3 december 14:02"
    )


def test_a_move_to_another_day_and_time_names_both_in_words():
    change = _change("moved", before=SNAPSHOT, date="2026-12-08", start="09:00")
    assert change_sentence(change, today=TODAY) == (
        "verplaatst van 7 december 08:30–16:30 naar 8 december 09:00–16:30, 3 december 14:02"
    )


@pytest.mark.parametrize(
    ("action", "before", "after", "words"),
    [
        ("created", None, {}, "geboekt in Kikkers op 7 december, 08:30–16:30, occasioneel"),
        ("cancelled", SNAPSHOT, {"outcome": "cancelled"}, "geannuleerd"),
        ("restored", {**SNAPSHOT, "outcome": "cancelled"}, {}, "annulering ongedaan gemaakt"),
        ("place_type", SNAPSHOT, {"place_type": "urgent"}, "van occasioneel naar dringend"),
        ("checked_out", SNAPSHOT, {"outcome": "present", "left": "16:10"}, "vertrokken om 16:10"),
        ("checked_in", SNAPSHOT, {"outcome": "present", "arrived": "08:35"}, "aangekomen om 08:35"),
        ("undo_checked_out", SNAPSHOT, {"outcome": "present"}, "vertrek ongedaan gemaakt"),
        (
            "corrected",
            {**SNAPSHOT, "outcome": "present", "arrived": "08:35", "left": "20:03"},
            {"outcome": "present", "arrived": "08:35", "left": "16:10", "reason": "mis getikt"},
            "tijden verbeterd van 08:35–20:03 naar 08:35–16:10 (reden: mis getikt)",
        ),
        (
            "settled",
            SNAPSHOT,
            {"outcome": "present", "arrived": "08:30", "left": "16:30"},
            "dag afgerond: aanwezig 08:30–16:30",
        ),
        ("settled", SNAPSHOT, {"outcome": "no_show"}, "dag afgerond: niet gekomen"),
        (
            "plan_changed",
            SNAPSHOT,
            {"start": "09:00"},
            "aangepast met het opvangplan: verplaatst van 08:30–16:30 naar 09:00–16:30",
        ),
        (
            "plan_removed",
            SNAPSHOT,
            {"outcome": "cancelled"},
            "geannuleerd: niet meer in het opvangplan",
        ),
    ],
)
def test_every_action_reads_as_words(action, before, after, words):
    sentence = change_sentence(_change(action, before=before, **after), today=TODAY)
    assert words in sentence
    assert action not in sentence
    for code in ("occasional", "urgent", "place_type", "2026-12"):
        assert code not in sentence


def test_an_absence_names_its_reason_by_label():
    change = _change("absent", before=SNAPSHOT, outcome="excused", absence_code="ziek")
    sentence = change_sentence(change, today=TODAY, absence_labels={"ziek": "Ziek"})
    assert sentence.startswith("afwezig gemeld: Ziek")


def test_dates_are_dutch_with_lowercase_months_and_the_year_of_another_year():
    assert day_in_words(dt.date(2026, 12, 3)) == "3 december 2026"
    assert day_in_words(dt.date(2027, 3, 1), today=TODAY) == "1 maart 2027"
    assert day_in_words(dt.date(2026, 3, 1), today=TODAY) == "1 maart"
