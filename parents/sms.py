"""Text messages to parents, through a small pluggable backend.

The interface: a class with `send(self, *, to: str, body: str) -> None` that raises
`SmsError` when the message could not be handed over. `settings.SMS_BACKEND` names the
class by its dotted path; the default writes the message to the log, so nothing leaves
the machine until a provider's backend is configured.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# What the tests read, like Django's mail.outbox.
outbox: list[dict] = []


class SmsError(Exception):
    pass


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class LogBackend:
    """Writes the message's length to the log, never its text: the link in it is a key."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("Text message to …%s, %d characters", to[-3:], len(body))


class MemoryBackend:
    """Keeps the messages in `outbox`, for the tests."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body})


def send_sms(*, to: str, body: str) -> None:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(to=to, body=body)
