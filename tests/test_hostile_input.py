"""Hostile input on every page: no server error, and nothing implausible stored.

The pages come from the URLconf, so a new page is covered without touching this file.
Each page is opened by every role with the ids of the user's own site and of another
site. A page's query parameters and form fields are found by recording which keys the
view reads (and, for forms, from the HTML forms the pages render); every such key then
gets each hostile value in turn, the other fields keeping a valid value.
"""

import csv
import datetime as dt
import html.parser
import io
import re
from collections import defaultdict
from http import HTTPStatus
from urllib.parse import parse_qsl, urljoin, urlsplit

import openpyxl
import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.db import models
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from elief import dates
from elief.models import Role
from families.models import Child
from planning.models import StaffMember, WaitingListEntry
from referrals.models import Referral
from subsidies.models import LedgerEntry
from tests.factories import (
    BookingFactory,
    CarePlanFactory,
    ChildFactory,
    ContactPersonFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    OrganisationFactory,
    ReferralFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RECORDING_MIDDLEWARE = f"{__name__}.RecordingMiddleware"

# The value classes of the audit: impossible and extreme dates, weeks and months, long
# strings, NUL bytes, negative, huge and non-numbers. Another site's ids are added per run.
HOSTILE = [
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "2101-01-01",
    "9999-W52",
    "9999-12",
    "x" * 10_000,
    "a\x00b",
    "-1",
    "99999999999999999999",
    "1e400",
    "abc",
    "",
]
# A form field gets the classes that its kind of input could be fooled with.
DATES = ["2026-02-30", "0001-01-01", "9999-12-31", "2101-01-01", "1999-12-31", "abc", ""]
MONTHS = ["9999-12", "0000-00", "2026-13", "0001-01", "9999-W52", "abc", ""]
TEXT = ["x" * 10_000, "a\x00b", "=1+1", ""]
NUMBERS = ["-1", "99999999999999999999", "1e400", "abc", "a\x00b", ""]
BY_INPUT = {
    "date": DATES,
    "month": MONTHS,
    "week": MONTHS,
    "text": [*TEXT, *DATES[:3]],
    "textarea": TEXT,
    "search": TEXT,
    "email": TEXT,
    "tel": TEXT,
    "password": TEXT,
    "time": ["25:00", "abc", "a\x00b", ""],
    "number": NUMBERS,
    "hidden": NUMBERS,
    "select": ["abc", "-1", "a\x00b", ""],
    "checkbox": ["abc", "99999999999999999999", ""],
    "radio": ["abc", "99999999999999999999", ""],
}


class _Reads:
    """The keys of request.GET and request.POST the last request's view read."""

    GET: set[str] = set()
    POST: set[str] = set()


class RecordingQueryDict(QueryDict):
    def __init__(self, source: QueryDict, seen: set[str]) -> None:
        super().__init__(mutable=True)
        for key, values in source.lists():
            self.setlist(key, values)
        self._mutable = False
        self.seen = seen

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.seen.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self.seen.add(key)
        return super().getlist(key, default)

    def copy(self):
        copied = RecordingQueryDict(self, self.seen)
        copied._mutable = True
        return copied


class RecordingMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        _Reads.GET, _Reads.POST = set(), set()
        request.GET = RecordingQueryDict(request.GET, _Reads.GET)
        if request.method == "POST" and not request.content_type.startswith("multipart"):
            request.POST = RecordingQueryDict(request.POST, _Reads.POST)
        return self.get_response(request)


class _Forms(html.parser.HTMLParser):
    """The POST forms of a page: action and the values a browser would send."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base, self.forms, self._form, self._select, self._textarea = base, [], None, None, None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {
                "action": urljoin(self.base, attrs.get("action") or ""),
                "data": {},
                "options": defaultdict(list),
                "types": {},
            }
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        name, data = attrs["name"], self._form["data"]
        self._form["types"].setdefault(name, tag if tag != "input" else attrs.get("type") or "text")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data.setdefault(name, attrs.get("value") or "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                data.setdefault(name, attrs.get("value") or "")
        elif tag == "select":
            self._select = name
            data.setdefault(name, None)
        elif tag == "textarea":
            self._textarea = name
            data.setdefault(name, "")
        elif tag == "option" and self._select is not None:
            self._option(attrs)

    def _option(self, attrs) -> None:
        data = self._form["data"]
        value = attrs.get("value") or ""
        self._form["options"][self._select].append(value)
        if data.get(self._select) in (None, "") or "selected" in attrs:
            data[self._select] = value

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text) -> None:
        if self._form is not None and self._textarea:
            self._form["data"][self._textarea] += text


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple]:
    """(name, converter names) of every named pattern of the URLconf."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            found += _patterns(entry, f"{namespace}{inner}:" if inner else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            params = list(entry.pattern.regex.groupindex)
            found.append((f"{namespace}{entry.name}", params))
    return found


def _world(today: dt.date) -> dict:
    """Two sites with one of everything; users of every role on the first."""
    world = {}
    for key in ("a", "b"):
        site = SiteFactory(name=f"Vestiging {key.upper()}")
        group = GroupFactory(site=site)
        family = FamilyFactory(site=site)
        guardian = GuardianFactory(family=family)
        child = ChildFactory(family=family, birth_date=today - dt.timedelta(days=400))
        plan = CarePlanFactory(child=child, start=today)
        booking = BookingFactory(group=group, child=child, date=today)
        organisation = OrganisationFactory(name=f"Partner {key.upper()}")
        contact = ContactPersonFactory(organisation=organisation)
        referral = ReferralFactory(
            site=site,
            organisation=organisation,
            contact=contact,
            received_date=today - dt.timedelta(days=3),
        )
        scheme = SchemeFactory(site=site, name=f"Regeling {key.upper()}")
        SchemeRateFactory(scheme=scheme)
        # A second scheme: a correction may name it instead of the corrected entry's.
        SchemeFactory(site=site, name=f"Stadsfonds {key.upper()}")
        quarter = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        entry = LedgerEntry.objects.create(
            scheme=scheme, kind="advance", period_start=quarter, date=today, amount_eur=100
        )
        waiting = WaitingListEntry.objects.create(child=child, site=site, wished_start=today)
        staff = StaffMember.objects.create(site=site, name=f"Medewerker {key}")
        world[key] = {
            "site": site,
            "group": group,
            "family": family,
            "guardian": guardian,
            "child": child,
            "plan": plan,
            "booking": booking,
            "organisation": organisation,
            "contact": contact,
            "referral": referral,
            "scheme": scheme,
            "entry": entry,
            "waiting": waiting,
            "staff": staff,
        }
    site = world["a"]["site"]
    world["users"] = {
        Role.COORDINATOR: UserFactory(role=Role.COORDINATOR, sites=[site]),
        Role.STAFF: UserFactory(role=Role.STAFF, sites=[site]),
        Role.BOARD: UserFactory(role=Role.BOARD),
        Role.REFERRER: UserFactory(
            role=Role.REFERRER, organisation=world["a"]["organisation"], sites=[site]
        ),
        Role.ADMIN: UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    return world


# URL keyword -> the object of a site whose id it takes.
KWARG_OBJECTS = {
    "site_id": "site",
    "group_id": "group",
    "family_id": "family",
    "guardian_id": "guardian",
    "child_id": "child",
    "plan_id": "plan",
    "booking_id": "booking",
    "organisation_id": "organisation",
    "contact_id": "contact",
    "referral_id": "referral",
    "entry_id": "entry",
}
ADMIN_OBJECTS = {
    "elief_site": "site",
    "elief_organisation": "organisation",
    "planning_group": "group",
    "referrals_contactperson": "contact",
    "referrals_referral": "referral",
    "subsidies_scheme": "scheme",
    "subsidies_ledgerentry": "entry",
}


def _kwargs(name: str, params: list[str], objects: dict, world: dict) -> dict | None:
    kwargs = {}
    for param in params:
        if param in KWARG_OBJECTS:
            kwargs[param] = objects[KWARG_OBJECTS[param]].pk
        elif param == "status":
            kwargs[param] = "intake"
        elif param == "object_id" and name.startswith("admin:"):
            model = name.removeprefix("admin:").rsplit("_", 1)[0]
            if model == "elief_user":
                kwargs[param] = world["users"][Role.COORDINATOR].pk
            elif model in ADMIN_OBJECTS:
                kwargs[param] = objects[ADMIN_OBJECTS[model]].pk
            else:
                return None
        elif param == "id" and name == "admin:auth_user_password_change":
            kwargs[param] = world["users"][Role.COORDINATOR].pk
        elif param == "app_label":
            kwargs[param] = "subsidies"
        else:
            return None  # a pattern this file cannot fill (e.g. view_on_site)
    return kwargs


class Sweep:
    """Drives the pages and keeps what went wrong."""

    def __init__(self, world: dict) -> None:
        self.world = world
        self.requests = 0
        self.errors: list[str] = []
        self._exception: BaseException | None = None
        got_request_exception.connect(self._caught)

    def _caught(self, sender, request=None, **kwargs) -> None:
        import sys

        self._exception = sys.exc_info()[1]

    def send(self, client: Client, method: str, url: str, data: dict | None, what: str):
        self._exception = None
        self.requests += 1
        send = client.get if method == "GET" else client.post
        response = send(url, data or {})
        if response.status_code >= 500:
            self.errors.append(
                f"{method} {url} {what}: {response.status_code} {self._exception!r:.200}"
            )
        return response


def _other_ids(world: dict) -> list[str]:
    return sorted({str(obj.pk) for key, obj in world["b"].items() if isinstance(obj, models.Model)})


def _drive(sweep: Sweep, client: Client, url: str, values: list[str]) -> dict[str, dict]:
    """GET the page, then each query key it reads with each value; returns its POST forms."""
    response = sweep.send(client, "GET", url, {"_": "1"}, "plain")
    params = set(_Reads.GET) - {"_"}
    forms = {}
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser = _Forms(url)
        parser.feed(response.content.decode())
        forms = {
            form["action"]: (form["data"], form["options"], form["types"]) for form in parser.forms
        }
    path, query = url.split("?", 1) if "?" in url else (url, "")
    base = dict(parse_qsl(query))
    queue = sorted(params)
    done = set()
    while queue:
        param = queue.pop()
        done.add(param)
        for value in values:
            sweep.send(client, "GET", path, {**base, "_": "1", param: value}, f"?{param}=…")
            queue += sorted(set(_Reads.GET) - done - set(queue) - {"_"})
    return forms


def _post_all(
    sweep: Sweep, client: Client, action: str, form: tuple[dict, dict, dict], other_ids: list[str]
) -> None:
    data, options, types = form
    data = {key: value for key, value in data.items() if value is not None}
    sweep.send(client, "POST", action, data, "as rendered")
    keys = (set(data) | set(_Reads.POST)) - {"csrfmiddlewaretoken"}
    shapes = set()
    for key in sorted(keys):
        # Fields of one shape (a week's cells, a pattern's days) are read the same way:
        # the first of them stands for the others.
        shape = re.sub(r"\d+", "N", key)
        if shape in shapes:
            continue
        shapes.add(shape)
        # Another site's ids go to the fields that hold an id; a list's own options too.
        tried = BY_INPUT.get(types.get(key, "").lower(), HOSTILE)
        if str(data.get(key, "")).isdigit():
            tried = [*tried, *other_ids]
        for value in [*tried, *options.get(key, [])]:
            sweep.send(client, "POST", action, {**data, key: value}, f"{key}=…")


def _implausible_rows() -> list[str]:
    """Rows of the project's models with a date outside the plausible range, or a birth
    date in the future."""
    low, high = dates.EARLIEST, dates.LATEST
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in ("elief", "families", "planning", "referrals", "subsidies"):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
                continue
            outside = model.objects.exclude(**{f"{field.name}__range": (low, high)}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for row in outside.values("pk", field.name):
                found.append(f"{model.__name__}.{field.name}={row[field.name]} (pk {row['pk']})")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for child in Child.objects.filter(birth_date__gt=tomorrow):
        found.append(f"Child.birth_date={child.birth_date} (pk {child.pk})")
    for entry in LedgerEntry.objects.filter(amount_eur__lt=0, corrects__isnull=True):
        found.append(f"LedgerEntry.amount_eur={entry.amount_eur} (pk {entry.pk})")
    return found


def test_no_server_error_and_nothing_implausible_on_hostile_input(settings, capsys):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, RECORDING_MIDDLEWARE]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    today = timezone.localdate()
    world = _world(today)
    values = HOSTILE + _other_ids(world)
    sweep = Sweep(world)
    patterns = [(name, params) for name, params in _patterns() if name != "logout"]
    for user in world["users"].values():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        forms: dict[str, dict] = {}
        for own in ("a", "b"):
            for name, params in patterns:
                kwargs = _kwargs(name, params, world[own], world)
                if kwargs is None:
                    continue
                url = reverse(name, kwargs=kwargs)
                if own == "b":
                    # Another site's ids: a refusal, never an error (and nothing more).
                    sweep.send(client, "GET", url, None, "other site")
                    sweep.send(client, "POST", url, {}, "other site")
                    continue
                forms.update(_drive(sweep, client, url, values))
                # A POST-only view without a rendered form: drive the keys it reads.
                sweep.send(client, "POST", url, {}, "empty")
                if _Reads.POST and url not in {urlsplit(a).path for a in forms}:
                    forms[url] = (dict.fromkeys(_Reads.POST, ""), {}, {})
        for action, form in forms.items():
            if urlsplit(action).path.endswith("/logout/"):
                continue
            _post_all(sweep, client, action, form, _other_ids(world))
    implausible = _implausible_rows()
    with capsys.disabled():
        print(
            f"\nhostile input: {sweep.requests} requests, {len(sweep.errors)} server errors, "
            f"{len(implausible)} implausible rows"
        )
    by_view = defaultdict(list)
    for error in sweep.errors:
        by_view[re.sub(r"\d+", "N", error.split(" ")[1])].append(error)
    assert not sweep.errors, "\n".join(
        f"{view}: {len(found)}\n  " + "\n  ".join(found[:5]) for view, found in by_view.items()
    )
    assert not implausible, "\n".join(implausible)


# The audit's findings one by one, so a regression names itself.


@pytest.fixture
def own_site():
    site = SiteFactory(name="Elief")
    group = GroupFactory(site=site, name="Vlinders")
    return site, group, UserFactory(role=Role.COORDINATOR, sites=[site])


@pytest.mark.parametrize("value", ["2026-02-30", "0001-01-01", "9999-12-31", "morgen"])
def test_a_bad_day_shows_today_with_a_message(client, own_site, value):
    site, _group, coordinator = own_site
    client.force_login(coordinator)
    response = client.get(reverse("planning:dayplan_site", args=[site.pk]), {"dag": value})
    assert response.status_code == HTTPStatus.OK
    assert response.context["day"] == timezone.localdate()
    assert [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("value", ["9999-W52", "0001-W01", "2026-W77"])
def test_a_bad_week_of_shifts_shows_this_week_with_a_message(client, own_site, value):
    site, _group, coordinator = own_site
    client.force_login(coordinator)
    response = client.get(reverse("planning:shifts", args=[site.pk]), {"week": value})
    assert response.status_code == HTTPStatus.OK
    assert [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("action", ["booking_cancel", "booking_urgent", "booking_restore"])
def test_a_day_plan_action_without_its_version_is_a_bad_request(client, own_site, action):
    site, group, coordinator = own_site
    booking = BookingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=7))
    client.force_login(coordinator)
    response = client.post(reverse(f"planning:{action}", args=[booking.pk]), {})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    booking.refresh_from_db()
    assert (booking.version, booking.outcome, booking.place_type) == (1, "planned", "occasional")


def test_a_move_without_its_version_is_a_bad_request(client, own_site):
    site, group, coordinator = own_site
    booking = BookingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=7))
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:booking_move", args=[booking.pk]),
        {"group": group.pk, "day": booking.date.isoformat(), "start": "09:00", "end": "15:00"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    booking.refresh_from_db()
    assert booking.start == dt.time(8, 30)


def test_a_correction_with_another_scheme_is_a_form_error(client, own_site):
    site, _group, coordinator = own_site
    trap, fund = SchemeFactory(site=site, name="Trap 3"), SchemeFactory(site=site, name="Fonds")
    entry = LedgerEntry.objects.create(
        scheme=trap, kind="advance", period_start=dt.date(2026, 1, 1), date=dt.date(2026, 2, 1),
        amount_eur=100,
    )  # fmt: skip
    client.force_login(coordinator)
    response = client.post(
        reverse("subsidies:ledger_correct", args=[site.pk, entry.pk]),
        {"scheme": fund.pk, "kind": "advance", "period_start": "2026-01-01",
         "date": "2026-02-01", "amount_eur": "90"},
    )  # fmt: skip
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.context["form"].errors["scheme"]
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount_eur", "-50"), ("date", "9999-12-31"), ("period_start", "0001-01-01")],
)
def test_an_implausible_payment_is_a_form_error(client, own_site, field, value):
    site, _group, coordinator = own_site
    scheme = SchemeFactory(site=site, name="Trap 3")
    client.force_login(coordinator)
    data = {"scheme": scheme.pk, "kind": "advance", "period_start": "2026-01-01",
            "date": "2026-02-01", "amount_eur": "90", field: value}  # fmt: skip
    response = client.post(reverse("subsidies:ledger", args=[site.pk]), data)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.context["form"].errors[field]
    assert not LedgerEntry.objects.exists()


def test_a_referral_wished_for_year_9999_still_starts(client, own_site):
    site, _group, coordinator = own_site
    # Stored before the portal's form held dates to the range.
    referral = ReferralFactory(site=site, wished_start=dt.date(9999, 12, 31))
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_start", args=[referral.pk]))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("child_birth_date", "0001-01-01"),
        ("child_birth_date", "2099-01-01"),
        ("wished_start", "9999-12-31"),
        ("consent_date", "9999-12-31"),
        ("notes", "A plausible referral, stored: the other cases differ in one field."),
    ],
)
def test_the_partner_portal_refuses_implausible_dates(client, own_site, field, value):
    site, _group, _coordinator = own_site
    organisation = OrganisationFactory(name="VDAB")
    referrer = UserFactory(role=Role.REFERRER, organisation=organisation, sites=[site])
    client.force_login(referrer)
    form = client.get(reverse("referrals:portal_create")).content.decode()
    parser = _Forms(reverse("referrals:portal_create"))
    parser.feed(form)
    (rendered,) = [f for f in parser.forms if f["data"].get("child_first_name") is not None]
    data = {k: v for k, v in rendered["data"].items() if v is not None}
    today = timezone.localdate()
    data.update(
        consent_date=today.isoformat(), consent_scope="intake", reason="training",
        wished_start=(today + dt.timedelta(days=14)).isoformat(), weekdays="1",
        parent_first_name="Sara", parent_last_name="Bouzid", child_first_name="Amal",
        child_last_name="Bouzid", child_birth_date=(today - dt.timedelta(days=400)).isoformat(),
    )  # fmt: skip
    data[field] = value
    client.post(reverse("referrals:portal_create"), data)
    assert Referral.objects.exists() == (field == "notes")


def test_a_formula_in_a_name_is_no_formula_in_the_boards_file(client):
    site = SiteFactory(name='=HYPERLINK("http://evil.test","x")')
    GroupFactory(site=site, name="+Vlinders")
    SchemeFactory(site=site, name="@Trap 3")
    board = UserFactory(role=Role.BOARD)
    client.force_login(board)
    content = client.get(reverse("subsidies:report_csv")).content.decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(content), delimiter=";") for cell in line]
    assert '\'=HYPERLINK("http://evil.test","x")' in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    negative = [cell for cell in cells if cell.startswith("-")]
    assert all(re.fullmatch(r"-\d+(,\d+)?", cell) for cell in negative)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("subsidies:report_xlsx")).content)
    )
    formulas = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


@pytest.mark.parametrize(
    ("field", "value"), [("amount_eur", "-50"), ("date", "9999-12-31"), ("amount_eur", "50")]
)
def test_the_admins_ledger_form_holds_the_same_rules(client, own_site, field, value):
    site, _group, _coordinator = own_site
    scheme = SchemeFactory(site=site, name="Trap 3")
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    data = {"scheme": scheme.pk, "kind": "advance", "period_start": "2026-01-01",
            "date": "2026-02-01", "amount_eur": "90", "note": "", field: value}  # fmt: skip
    client.post(reverse("admin:subsidies_ledgerentry_add"), data)
    # The last case is a plausible entry, stored: the others differ from it in one field.
    assert LedgerEntry.objects.exists() == (value == "50")
