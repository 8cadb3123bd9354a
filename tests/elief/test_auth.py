"""Sign in, sign out, change the password; Dutch by default."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_and_lands_on_the_home_page(client):
    UserFactory(username="sara", password="secret-pass-123", first_name="Sara")
    response = client.post(
        reverse("login"), {"username": "sara", "password": "secret-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Goedendag, Sara" in response.content.decode()


def test_it_explains_a_wrong_password_in_dutch(client):
    UserFactory(username="sara", password="secret-pass-123")
    response = client.post(reverse("login"), {"username": "sara", "password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


def test_it_ignores_the_browsers_language_but_honours_the_choice(client):
    user = UserFactory()
    client.force_login(user)
    body = client.get(reverse("home"), headers={"accept-language": "en-US,en"}).content.decode()
    assert "Vestigingen" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sites" in client.get(reverse("home")).content.decode()


def test_it_signs_out_with_post_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(reverse("logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND


def test_it_changes_the_password(client):
    user = UserFactory(password="secret-pass-123")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "speelplaats-2026!",
            "new_password2": "speelplaats-2026!",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password("speelplaats-2026!")


def test_it_refuses_a_wrong_old_password(client):
    user = UserFactory(password="secret-pass-123")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "speelplaats-2026!",
            "new_password2": "speelplaats-2026!",
        },
    )
    assert response.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.check_password("secret-pass-123")
