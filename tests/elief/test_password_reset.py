"""A forgotten password is reset by e-mail, in Dutch, without revealing who has an account."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "speelplaats-2026!"


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ask(client, email: str, address: str = "192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_the_sign_in_page_links_to_the_reset(client):
    body = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in body
    assert "Wachtwoord vergeten?" in body


def test_it_mails_a_dutch_link_that_sets_a_new_password(client, mailoutbox):
    user = UserFactory(username="sara", first_name="Sara", last_name="Peeters")
    user.email = "sara@elief.example.org"
    user.save()

    response = _ask(client, "Sara@Elief.example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sara@elief.example.org"]
    assert message.subject == "Elief: kies een nieuw wachtwoord"
    assert "Dag Sara Peeters," in message.body
    assert "Uw gebruikersnaam is sara." in message.body

    form_page = client.get(_link(message), follow=True)
    assert "Kies een nieuw wachtwoord" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    again = client.get(_link(message), follow=True).content.decode()
    assert "Deze link is niet meer geldig" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    known = UserFactory(email="sara@elief.example.org")
    assert known.email
    answer_known = _ask(client, "sara@elief.example.org")
    answer_unknown = _ask(client, "nobody@elief.example.org", address="198.51.100.7")
    assert (answer_unknown.status_code, answer_unknown["Location"]) == (
        answer_known.status_code,
        answer_known["Location"],
    )
    assert [message.to for message in mailoutbox] == [["sara@elief.example.org"]]
    done = client.get(answer_unknown["Location"]).content.decode()
    assert "Als er een account bij dit adres hoort" in done


def test_one_address_cannot_bomb_a_mailbox(client, mailoutbox, settings):
    UserFactory(email="sara@elief.example.org")
    statuses = [
        _ask(client, "sara@elief.example.org", address=f"198.51.100.{n}").status_code
        for n in range(10)
    ]
    limit = settings.PASSWORD_RESETS_PER_EMAIL
    assert statuses == [HTTPStatus.FOUND] * limit + [HTTPStatus.TOO_MANY_REQUESTS] * (10 - limit)
    assert len(mailoutbox) == limit


def test_one_address_cannot_ask_for_many_mailboxes(client, mailoutbox, settings):
    for n in range(10):
        UserFactory(email=f"user{n}@elief.example.org")
    statuses = [_ask(client, f"user{n}@elief.example.org").status_code for n in range(10)]
    limit = settings.PASSWORD_RESETS_PER_ADDRESS
    assert statuses == [HTTPStatus.FOUND] * limit + [HTTPStatus.TOO_MANY_REQUESTS] * (10 - limit)
    assert len(mailoutbox) == limit
    refused = _ask(client, "user9@elief.example.org")
    assert "Te veel aanvragen voor een nieuw wachtwoord" in refused.content.decode()


def test_unknown_addresses_count_like_known_ones(client, mailoutbox, settings):
    # Were only existing accounts counted, the refusal would tell which ones exist.
    statuses = {
        _ask(client, "nobody@elief.example.org", address=f"198.51.100.{n}").status_code
        for n in range(settings.PASSWORD_RESETS_PER_EMAIL + 1)
    }
    assert statuses == {HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS}
    assert mailoutbox == []


def test_a_reset_lifts_the_accounts_lock(client, mailoutbox):
    user = UserFactory(username="sara", email="sara@elief.example.org")
    for n in range(5):
        client.post(reverse("login"), {"username": "sara", "password": f"guess-{n}"})
    _ask(client, "sara@elief.example.org", address="127.0.0.1")
    form_page = client.get(_link(mailoutbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = client.post(reverse("login"), {"username": "sara", "password": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_mail_server_that_is_down_changes_nothing_in_the_answer(client, settings, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # Nothing listens on port 1: the connection is refused at once.
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    UserFactory(email="sara@elief.example.org")
    response = _ask(client, "sara@elief.example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("password_reset_done")
    assert "Failed to send password reset email" in caplog.text
