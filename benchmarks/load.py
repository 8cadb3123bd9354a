"""`make load`: the home page and today's list under concurrent requests, through gunicorn.

Seeds the bench's data (benchmarks/__main__.py) in a throw-away database: PostgreSQL when
DATABASE_URL says so, else an SQLite file under var/. Starts gunicorn on it with
production's settings (benchmarks/load_settings.py), signs in through the login form as
a staff member and as the coordinator of the measured site, and sends LOAD_REQUESTS
requests per page and role over LOAD_CONNECTIONS connections at once. Prints

- load_home_rps, load_today_rps: pages answered per second, both roles together;
- load_today_vs_home: today's list's throughput over the home page's (goal ≥ 0.5);
  load_today_vs_staff_home: the same for the staff alone, whose home page is next to empty;
- load_errors: answers other than 200 OK, or no answer (goal 0);
- load_worker_rss_mb: the resident memory of the largest gunicorn worker after the run
  (Linux; the same at both BENCH_SIZEs when no page holds more rows as the data grow);

and the same per role (load_home_staff_rps, …). LOAD_WORKERS sets gunicorn's workers.
"""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from benchmarks.__main__ import bench_size, seed_all
from elief.env import env_int

CONNECTIONS = env_int("LOAD_CONNECTIONS", 8, minimum=1, maximum=64)
REQUESTS = env_int("LOAD_REQUESTS", 200, minimum=1, maximum=100_000)
WORKERS = env_int("LOAD_WORKERS", 2, minimum=1, maximum=32)
PASSWORD = "load-test-password-2026"
STARTUP_SECONDS = 60
LOG = settings.BASE_DIR / "var" / "load-gunicorn.log"


@dataclass
class Phase:
    requests: int
    seconds: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    cookies: dict[str, str]
    body: bytes


def request(port: int, method: str, path: str, *, cookie: str = "", body: str = "") -> Answer:
    """One request on a connection of its own (gunicorn's sync workers close each one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        cookies = {name: morsel.value for name, morsel in jar.items()}
        return Answer(status=response.status, cookies=cookies, body=response.read())
    finally:
        conn.close()


def sign_in(port: int, username: str) -> str:
    """Through the login form, like a browser: the Cookie header of the session."""
    login = reverse("login")
    form = request(port, "GET", login)
    jar = form.cookies
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    if form.status != HTTPStatus.OK or token is None:
        raise SystemExit(f"The login page answered {form.status} without a form.")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": PASSWORD,
        }
    )
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    answer = request(port, "POST", login, cookie=cookie, body=body)
    jar |= answer.cookies
    if answer.status != HTTPStatus.FOUND or "sessionid" not in jar:
        raise SystemExit(f"Signing in as {username} failed ({answer.status}).")
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def drive(port: int, path: str, cookie: str, count: int) -> Phase:
    """`count` GETs of `path` over CONNECTIONS threads, each sending its next request as
    soon as the last one is answered."""
    left = iter(range(count))
    lock = threading.Lock()
    errors = []

    def work() -> None:
        while True:
            with lock:
                if next(left, None) is None:
                    return
            try:
                status = request(port, "GET", path, cookie=cookie).status
            except OSError as error:
                status = error
            if status != HTTPStatus.OK:
                with lock:
                    errors.append(status)

    threads = [threading.Thread(target=work) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        print(f"# {path}: {len(errors)} errors, e.g. {errors[0]}", file=sys.stderr)
    return Phase(requests=count, seconds=seconds, errors=len(errors))


def worker_rss_mb(server: subprocess.Popen) -> float | None:
    """The largest resident set of the server's workers, in MB; None off Linux."""
    largest = None
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            if fields.get("PPid", "").strip() == str(server.pid) and "VmRSS" in fields:
                kilobytes = int(fields["VmRSS"].split()[0])
                largest = max(largest or 0, kilobytes)
    return None if largest is None else largest / 1024


def gunicorn_database_url() -> str:
    """The address of the throw-away database the server must read."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def start_server(port: int, log) -> subprocess.Popen:
    """gunicorn on the port, its log (and any traceback of a failed request) in `log`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "DATABASE_URL": gunicorn_database_url(),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "elief.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--backlog",
            "64",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}).")
        try:
            if request(port, "GET", reverse("health")).status == HTTPStatus.OK:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer within {STARTUP_SECONDS} s.")


def main() -> None:
    size = bench_size()
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    # Not pytest's test database (test_NAME), which a test run may be using; and for
    # SQLite a file, since the server runs in other processes.
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(settings.BASE_DIR / "var" / "load.sqlite3")
    else:
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_load"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    stack = contextlib.ExitStack()
    try:
        from elief.models import Role
        from tests.factories import UserFactory

        # One transaction: committing each row would take minutes on an SQLite file.
        with transaction.atomic():
            seeded = seed_all(size)
            for role in (Role.STAFF, Role.COORDINATOR):
                UserFactory(
                    username=f"load-{role}", role=role, sites=[seeded.site], password=PASSWORD
                )
        connection.close()

        port = free_port()
        log = stack.enter_context(LOG.open("w"))
        server = start_server(port, log)
        pages = {
            "home": reverse("home"),
            "today": reverse("planning:today_site", args=[seeded.site.pk]),
        }
        roles = {role: sign_in(port, f"load-{role}") for role in (Role.STAFF, Role.COORDINATOR)}
        # Warm every worker's templates and connections before timing.
        for path in pages.values():
            for cookie in roles.values():
                drive(port, path, cookie, 2 * WORKERS)

        errors = 0
        totals = {}
        staff = {}
        for page, path in pages.items():
            phases = [drive(port, path, cookie, REQUESTS) for cookie in roles.values()]
            for role, phase in zip(roles, phases, strict=True):
                print(f"load_{page}_{role}_rps {phase.rps:.1f}")
            staff[page] = phases[0].rps
            totals[page] = sum(p.requests for p in phases) / sum(p.seconds for p in phases)
            errors += sum(p.errors for p in phases)
        print(f"load_home_rps {totals['home']:.1f}")
        print(f"load_today_rps {totals['today']:.1f}")
        print(f"load_today_vs_home {totals['today'] / totals['home']:.2f}")
        # The staff's home is next to empty (the coordinator's carries the look-ahead).
        print(f"load_today_vs_staff_home {staff['today'] / staff['home']:.2f}")
        print(f"load_errors {errors}")
        rss = worker_rss_mb(server)
        if rss is not None:
            print(f"load_worker_rss_mb {rss:.1f}")
        if errors:
            print(f"# gunicorn's log: {LOG}", file=sys.stderr)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        stack.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
