"""Password guessing is locked out per account and address, and per address."""

from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.urls import reverse

from elief import throttle
from elief.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
LOCKED = "Te veel mislukte aanmeldpogingen"


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, to let a cool-down pass without waiting for it."""

    class Clock:
        offset = 0.0

        def advance(self, seconds: float) -> None:
            self.offset += seconds

    clock = Clock()
    real_now = throttle.now
    monkeypatch.setattr(throttle, "now", lambda: real_now() + clock.offset)
    return clock


def _sign_in(client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_thirty_wrong_passwords_lock_the_account_until_the_cool_down_passes(
    client, settings, clock
):
    UserFactory(username="sara", password=PASSWORD)
    statuses = [_sign_in(client, "sara", f"guess-{n}").status_code for n in range(30)]
    assert statuses[:4] == [HTTPStatus.OK] * 4
    assert statuses[4:] == [HTTPStatus.TOO_MANY_REQUESTS] * 26

    refused = _sign_in(client, "sara", PASSWORD)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert LOCKED in refused.content.decode()
    assert "Probeer het over 15 minuten opnieuw" in refused.content.decode()
    assert int(refused["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session

    clock.advance(settings.LOGIN_COOLDOWN_SECONDS - 60)
    assert _sign_in(client, "sara", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS

    clock.advance(61)
    response = _sign_in(client, "sara", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("home")


def test_another_account_from_another_address_is_unaffected(client):
    UserFactory(username="sara", password=PASSWORD)
    UserFactory(username="jonas", password=PASSWORD)
    for n in range(30):
        _sign_in(client, "sara", f"guess-{n}", address="192.0.2.10")

    response = _sign_in(client, "jonas", PASSWORD, address="198.51.100.7")
    assert response.status_code == HTTPStatus.FOUND


def test_the_same_account_from_another_address_may_still_sign_in(client):
    # Locking the account everywhere would let anyone lock a colleague out at will.
    UserFactory(username="sara", password=PASSWORD)
    for n in range(6):
        _sign_in(client, "sara", f"guess-{n}", address="192.0.2.10")
    assert _sign_in(client, "sara", PASSWORD, address="198.51.100.7").status_code == (
        HTTPStatus.FOUND
    )


def test_guessing_many_accounts_from_one_address_locks_the_address(client, settings):
    UserFactory(username="jonas", password=PASSWORD)
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        # Four tries per name stay under the account limit.
        _sign_in(client, f"name-{n // 4}", "guess")

    assert _sign_in(client, "jonas", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert _sign_in(client, "jonas", PASSWORD, address="198.51.100.7").status_code == (
        HTTPStatus.FOUND
    )


def test_a_successful_sign_in_resets_the_accounts_count(client):
    UserFactory(username="sara", password=PASSWORD)
    for n in range(4):
        _sign_in(client, "sara", f"guess-{n}")
    assert _sign_in(client, "sara", PASSWORD).status_code == HTTPStatus.FOUND
    client.post(reverse("logout"))

    for n in range(4):
        assert _sign_in(client, "sara", f"guess-{n}").status_code == HTTPStatus.OK
    assert _sign_in(client, "sara", PASSWORD).status_code == HTTPStatus.FOUND


def test_the_username_is_counted_whatever_its_case(client):
    UserFactory(username="sara", password=PASSWORD)
    for n in range(5):
        _sign_in(client, "SARA" if n % 2 else "sara", f"guess-{n}")
    assert _sign_in(client, "sara", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_the_admin_sign_in_is_locked_too(client):
    UserFactory(username="root", password=PASSWORD, role=Role.ADMIN, is_staff=True)
    for n in range(5):
        _sign_in(client, "root", f"guess-{n}")
    response = client.post(
        reverse("admin:login"),
        {"username": "root", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


def test_behind_the_proxy_the_last_forwarded_address_counts(client, settings):
    settings.BEHIND_PROXY = True
    UserFactory(username="sara", password=PASSWORD)
    for n in range(5):
        # The client writes what it likes in front; the proxy appends the real address.
        client.post(
            reverse("login"),
            {"username": "sara", "password": f"guess-{n}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.10",
        )
    locked = client.post(
        reverse("login"),
        {"username": "sara", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.10",
    )
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Every other browser comes through the same proxy and may still sign in.
    other = client.post(
        reverse("login"),
        {"username": "sara", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other.status_code == HTTPStatus.FOUND


def test_without_a_proxy_the_forwarded_header_is_ignored(rf, settings):
    settings.BEHIND_PROXY = False
    request = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttle.client_address(request) == "192.0.2.10"


def test_the_lock_lives_in_the_shared_cache_not_in_the_process(client, settings):
    UserFactory(username="sara", password=PASSWORD)
    for n in range(5):
        _sign_in(client, "sara", f"guess-{n}")
    assert settings.CACHES["default"]["BACKEND"] in (
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    )
    # Drop this process's cache object: a new one, as another web replica would
    # make, still finds the lock.
    del caches["default"]
    assert throttle.login_locked_until(address="192.0.2.10", username="sara") is not None
