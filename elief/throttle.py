"""Slow down password guessing and e-mail bombing.

Failed sign-ins are counted per account and address and per address alone; when a count
reaches its limit, that pair or address is locked for a cool-down. The counts live in
Django's cache (Redis when REDIS_URL is set, the database cache otherwise), never in
process memory, so every web replica and worker sees the same numbers.
"""

import hashlib
import ipaddress
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def now() -> float:
    """Seconds since the epoch; one place for tests to move the clock."""
    return time.time()


def client_address(request: HttpRequest) -> str:
    """The address of the browser, also behind the TLS proxy.

    The proxy appends the address it was contacted from to X-Forwarded-For; anything
    before that last entry was written by the client and cannot be trusted.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            address = forwarded
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"


def _digest(value: str) -> str:
    # Usernames and e-mail addresses may hold any character; keys must stay short and plain.
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _count(key: str, *, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first hit."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The counter expired between add() and incr().
        cache.set(key, 1, timeout=window)
        return 1


@dataclass(frozen=True)
class _Limit:
    key: str
    failures: int

    @property
    def lock_key(self) -> str:
        return f"{self.key}:locked"


def _login_limits(*, address: str, username: str) -> Iterator[_Limit]:
    yield _Limit(
        f"login:account:{_digest(username)}:{address}", settings.LOGIN_FAILURES_PER_ACCOUNT
    )
    yield _Limit(f"login:address:{address}", settings.LOGIN_FAILURES_PER_ADDRESS)


def login_locked_until(*, address: str, username: str) -> float | None:
    """The end of the cool-down that refuses this sign-in, or None when it may go on."""
    keys = [limit.lock_key for limit in _login_limits(address=address, username=username)]
    until = max(cache.get_many(keys).values(), default=None)
    return until if until is not None and until > now() else None


def login_failure_record(*, address: str, username: str) -> None:
    cooldown = settings.LOGIN_COOLDOWN_SECONDS
    for limit in _login_limits(address=address, username=username):
        if _count(limit.key, window=cooldown) >= limit.failures:
            cache.set(limit.lock_key, now() + cooldown, timeout=cooldown)
            # After the cool-down the account gets a fresh set of attempts.
            cache.delete(limit.key)


def login_success_reset(*, address: str, username: str) -> None:
    """Forget the account's failures from this address.

    The address's own count stays: otherwise one valid account would let its owner
    guess other accounts' passwords without end.
    """
    account = next(_login_limits(address=address, username=username))
    cache.delete_many([account.key, account.lock_key])


def minutes_left(until: float) -> int:
    return max(1, math.ceil((until - now()) / 60))


def password_reset_allowed(*, address: str, email: str) -> bool:
    """Count a reset request; False once the address or e-mail asked too often.

    Counted whether or not the e-mail belongs to an account, so the answer reveals
    nothing about who has one.
    """
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    by_address = _count(f"reset:address:{address}", window=window)
    by_email = _count(f"reset:email:{_digest(email)}", window=window)
    return (
        by_address <= settings.PASSWORD_RESETS_PER_ADDRESS
        and by_email <= settings.PASSWORD_RESETS_PER_EMAIL
    )


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused during a cool-down and counted when it fails.

    Throttling here rather than in the login view also covers the admin's sign-in.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            # The test client's login() and scripts: no address to count by.
            return super().authenticate(request, username, password, **kwargs)
        address = client_address(request)
        if login_locked_until(address=address, username=username) is not None:
            # Stops every backend; the attempt is not counted, the cool-down is fixed.
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            login_failure_record(address=address, username=username)
        else:
            login_success_reset(address=address, username=username)
        return user


def _parent_link_key(address: str) -> str:
    return f"parent-link:address:{address}"


def parent_link_locked(*, address: str) -> bool:
    """True while an address that tried too many wrong parent links cools down.

    Links are long random tokens, so guessing one is hopeless; the limit keeps a scanner
    from filling the logs and the database with tries.
    """
    until = cache.get(f"{_parent_link_key(address)}:locked")
    return until is not None and until > now()


def parent_link_failure_record(*, address: str) -> None:
    cooldown = settings.LOGIN_COOLDOWN_SECONDS
    key = _parent_link_key(address)
    if _count(key, window=cooldown) >= settings.PARENT_LINK_FAILURES_PER_ADDRESS:
        cache.set(f"{key}:locked", now() + cooldown, timeout=cooldown)
        cache.delete(key)
