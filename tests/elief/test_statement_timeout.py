"""PostgreSQL stops a runaway statement: 30 s for the web, longer for the Celery worker."""

from http import HTTPStatus

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elief.celery import worker_statement_timeout
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"statement_timeout is a PostgreSQL setting; this run uses {connection.vendor} "
            "(set DATABASE_URL=postgres://… to run it)"
        )


def _show(cursor_owner) -> str:
    with cursor_owner.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_request_runs_under_the_web_timeout(client, settings):
    assert settings.DB_STATEMENT_TIMEOUT_MS == 30_000
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == HTTPStatus.OK
    # The request's queries ran on this very connection, opened with the option.
    assert len(queries) > 0
    assert _show(connection) == "30s"


@pytest.mark.django_db(transaction=True)
def test_the_worker_gets_its_own_longer_timeout(settings):
    assert settings.DB_WORKER_STATEMENT_TIMEOUT_MS == 600_000
    options = connection.settings_dict["OPTIONS"].get("options")
    try:
        # What `celery worker` runs once before its pool starts.
        worker_statement_timeout()
        assert _show(connection) == "10min"
        assert connection.settings_dict["OPTIONS"]["options"] == "-c statement_timeout=600000"
    finally:
        connection.settings_dict["OPTIONS"]["options"] = options
        for each in connections.all():
            each.close()
    assert _show(connection) == "30s"
