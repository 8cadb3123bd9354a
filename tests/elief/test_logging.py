"""What the log says when a page is refused."""

import logging
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_one_warning_line_with_path_and_user(client, caplog) -> None:
    user = UserFactory(role=Role.REFERRER)
    client.force_login(user)
    url = reverse("planning:site_list")

    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == f"Forbidden: {url} (user {user.pk})"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_other_client_errors_keep_django_s_message(client, caplog) -> None:
    client.force_login(UserFactory(role=Role.COORDINATOR))

    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /no-such-page/"
