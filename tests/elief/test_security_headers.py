"""Content-Security-Policy, HTTPS behind the proxy, and no stored copies of private pages."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.urls import reverse

from elief.models import Role
from tests.factories import FamilyFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = response["Content-Security-Policy"].split(";")
    return {name: values for name, *values in (d.split() for d in directives if d.strip())}


def test_pages_carry_a_strict_content_security_policy(client):
    client.force_login(UserFactory(role=Role.COORDINATOR))
    response = client.get(reverse("home"))
    policy = _policy(response)
    nonce = re.search(r"<script [^>]*nonce=\"([^\"]+)\"", response.content.decode()).group(1)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_every_page_gets_a_new_nonce(client):
    first = _policy(client.get(reverse("login")))["script-src"]
    second = _policy(client.get(reverse("login")))["script-src"]
    assert first != second


def test_htmx_is_told_to_work_without_eval_and_injected_styles(client):
    body = client.get(reverse("login")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config
    assert body.index('name="htmx-config"') < body.index("<script")


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_templates_hold_nothing_the_policy_would_block(template):
    text = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or "nonce=" in tag, f"inline script without the nonce: {tag}"
    # hx-on and trigger filters ("keyup[key=='Enter']") run through eval.
    assert "hx-on" not in text
    for trigger in re.findall(r'hx-trigger="([^"]*)"', text):
        for event in trigger.split(","):
            assert not re.match(r"\s*[\w.:-]+\[", event), f"trigger filter: {event}"


def test_signed_in_pages_are_not_stored(client):
    client.force_login(UserFactory(role=Role.COORDINATOR))
    response = client.get(reverse("home"))
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_exports_are_not_stored(client):
    site = SiteFactory()
    family = FamilyFactory(site=site)
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))
    export = client.get(reverse("families:family_export", args=[family.pk]))
    assert export.status_code == HTTPStatus.OK
    assert "no-store" in export["Cache-Control"]

    client.force_login(UserFactory(role=Role.BOARD))
    report = client.get(reverse("subsidies:report_csv"))
    assert report.status_code == HTTPStatus.OK
    assert "no-store" in report["Cache-Control"]


def test_https_is_enforced_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    plain = client.get(reverse("login"))
    assert plain.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"].startswith("https://")

    secure = client.get(reverse("login"), headers={"x-forwarded-proto": "https"})
    assert secure.status_code == HTTPStatus.OK
    assert secure["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_the_health_check_answers_over_plain_http(client, settings):
    # docker-compose asks from inside the container, without the proxy.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == HTTPStatus.OK
