"""Sessions end with the browser, after a working day, and for staff after idling."""

import time
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.middleware import SESSION_SEEN, SESSION_STARTED
from elief.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MINUTE = 60


def _set(client, **stamps: float) -> None:
    session = client.session
    for key, value in stamps.items():
        session[key] = value
    session.save()


def _signed_in_as(client, role: str):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


def test_the_session_cookie_ends_with_the_browser(client):
    UserFactory(username="sara", password="secret-pass-123")
    response = client.post(reverse("login"), {"username": "sara", "password": "secret-pass-123"})
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close()


def test_it_stamps_the_sign_in_time(client):
    before = time.time()
    _signed_in_as(client, Role.COORDINATOR)
    assert before <= client.session[SESSION_STARTED] <= time.time()
    assert client.session[SESSION_SEEN] == client.session[SESSION_STARTED]


def test_a_session_ends_after_a_working_day(client, settings):
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * MINUTE
    _signed_in_as(client, Role.COORDINATOR)
    _set(client, **{SESSION_STARTED: time.time() - settings.SESSION_COOKIE_AGE + MINUTE})
    assert client.get(reverse("home")).status_code == HTTPStatus.OK

    _set(client, **{SESSION_STARTED: time.time() - settings.SESSION_COOKIE_AGE - 1})
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/"
    assert "Uw sessie is afgelopen. Meld u opnieuw aan." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_without_a_stamp_has_ended(client):
    _signed_in_as(client, Role.COORDINATOR)
    session = client.session
    del session[SESSION_STARTED]
    session.save()
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND


def test_staff_are_signed_out_after_half_an_hour_without_a_request(client, settings):
    assert settings.STAFF_IDLE_TIMEOUT_SECONDS == 30 * MINUTE
    _signed_in_as(client, Role.STAFF)
    _set(client, **{SESSION_SEEN: time.time() - 31 * MINUTE})
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_each_request_keeps_the_staff_session_alive(client):
    _signed_in_as(client, Role.STAFF)
    _set(client, **{SESSION_SEEN: time.time() - 29 * MINUTE})
    assert client.get(reverse("home")).status_code == HTTPStatus.OK
    assert time.time() - client.session[SESSION_SEEN] < MINUTE
    assert client.get(reverse("home")).status_code == HTTPStatus.OK


def test_a_coordinator_is_not_signed_out_for_idling(client):
    _signed_in_as(client, Role.COORDINATOR)
    _set(client, **{SESSION_SEEN: time.time() - 3 * 60 * MINUTE})
    assert client.get(reverse("home")).status_code == HTTPStatus.OK


def test_the_idle_time_is_configurable(client, settings):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 5 * MINUTE
    _signed_in_as(client, Role.STAFF)
    _set(client, **{SESSION_SEEN: time.time() - 6 * MINUTE})
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND


def test_an_htmx_request_reloads_the_whole_page_on_the_sign_in_page(client):
    _signed_in_as(client, Role.STAFF)
    _set(client, **{SESSION_SEEN: time.time() - 31 * MINUTE})
    response = client.get(
        reverse("home"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/planning/?dag=x"},
    )
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/planning/%3Fdag%3Dx"
    assert "_auth_user_id" not in client.session
