"""The main pages of each role, rendered in Dutch, carry no English or foreign date styles."""

import datetime as dt
import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from tests.factories import (
    BookingFactory,
    GroupFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)  # a Monday in "maart", whose abbreviation Django capitalises

TELL_TALES = {
    "English empty choice": re.compile(r"Select an option|-{9}"),
    "capitalised month": re.compile(
        r"\d (Jan|Feb|Mrt|Mar|Apr|Mei|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dec)\b"
        r"|\b(Jan|Feb|Mrt|Mar|Apr|Mei|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dec) \d{4}"
    ),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "numeric date": re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b"),
}


class _Text(HTMLParser):
    """The text a person reads: tag contents, not attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _problems(html: str) -> dict[str, list[str]]:
    text = _text(html)
    found = {name: [m.group(0) for m in p.finditer(text)] for name, p in TELL_TALES.items()}
    return {name: hits for name, hits in found.items() if hits}


@pytest.fixture
def world():
    site = SiteFactory(name="Elief")
    group = GroupFactory(site=site, name="Vlinders")
    booking = BookingFactory(group=group, date=DAY)
    referral = ReferralFactory(site=site)
    return site, booking.child.family, referral


def _pages(world) -> dict[str, list[str]]:
    site, family, referral = world
    day = f"?dag={DAY.isoformat()}"
    return {
        Role.COORDINATOR: [
            reverse("home"),
            reverse("planning:dayplan_site", args=[site.pk]) + day,
            reverse("planning:week", args=[site.pk]) + day,
            reverse("planning:day_list", args=[site.pk]) + day,
            reverse("planning:waiting_list", args=[site.pk]),
            reverse("planning:shifts", args=[site.pk]),
            reverse("planning:transitions", args=[site.pk]),
            reverse("planning:site_detail", args=[site.pk]),
            reverse("families:family_list"),
            reverse("families:family_create"),
            reverse("families:family_detail", args=[family.pk]),
            reverse("referrals:referral_list"),
            reverse("referrals:referral_create"),
            reverse("referrals:referral_detail", args=[referral.pk]),
        ],
        Role.STAFF: [reverse("planning:today_site", args=[site.pk])],
        Role.BOARD: [reverse("subsidies:report"), reverse("subsidies:report_site", args=[site.pk])],
        Role.REFERRER: [reverse("referrals:portal"), reverse("referrals:portal_create")],
    }


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.REFERRER])
def test_main_pages_read_in_dutch(client, world, role) -> None:
    site, _, referral = world
    user = UserFactory(role=role, sites=[site], organisation=referral.organisation)
    client.force_login(user)

    problems = {}
    for url in _pages(world)[role]:
        response = client.get(url, headers={"accept-language": "nl-be"})
        assert response.status_code == HTTPStatus.OK, url
        if found := _problems(response.content.decode()):
            problems[url] = found

    assert problems == {}


def test_the_tell_tales_are_found() -> None:
    html = (
        '<option value="">---------</option><p>7 Okt 2026, za 28 Nov, 2026-12-03, 03-12-2026</p>'
        '<a href="?dag=2026-12-03">3 december 2026</a><input value="2026-12-03">'
    )
    assert set(_problems(html)) == {
        "English empty choice",
        "capitalised month",
        "ISO date",
        "numeric date",
    }
    assert _problems('<a href="?dag=2026-12-03">do 3 dec</a> <time datetime="2026-12-03">') == {}
