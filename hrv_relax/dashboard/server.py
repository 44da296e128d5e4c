"""Serve the Streamlit dashboard, and run the demo: seeded practice + live simulated session."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from importlib.resources import files
from pathlib import Path
from types import FrameType

from sqlalchemy import make_url

from hrv_relax.capture.group_commit import SPOOL_SUFFIX
from hrv_relax.capture.processes import (
    start_recording,
    started_sessions,
    stop_recordings,
)
from hrv_relax.config import (
    DEFAULT_DASHBOARD_ADDRESS,
    DEFAULT_DASHBOARD_PORT,
    ENV_ALLOWED_HOSTS,
    ENV_DB,
    ENV_DEMO,
    ENV_STARTED_LIST,
    ENV_TRUSTED_PROXIES,
    data_dir,
    demo_db_path,
    resolve_db_url,
    shown_db_url,
    sqlite_url,
)
from hrv_relax.dashboard.forwarded import UVICORN_TRUSTED, trusted_proxies
from hrv_relax.dashboard.guards import MAX_UPLOAD_BYTES, allowed_hosts_for
from hrv_relax.demo.practice import (
    DEMO_ACCOUNTS,
    DEMO_CLIENTS,
    DEMO_PASSWORD,
    DEMO_THERAPIST,
    check_demo_database,
    seed_demo,
)
from hrv_relax.errors import ConfigurationError, HrvRelaxError
from hrv_relax.private_files import private_dir
from hrv_relax.store import Store, find_client, list_sessions, open_store

log = logging.getLogger(__name__)

PORT_SEARCH = 20  # the demo tries this many ports after the default when it is taken
DASHBOARD_STOP_TIMEOUT_S = 10.0
SERVER_START_TIMEOUT_S = 60.0


def dashboard_app() -> Path:
    """The dashboard's entry script, wherever the package is installed."""
    return Path(str(files("hrv_relax.dashboard").joinpath("app.py")))


def dashboard_server() -> Path:
    """The web server `streamlit run` serves: the entry script behind hrv-relax's guards."""
    return Path(str(files("hrv_relax.dashboard").joinpath("asgi.py")))


def port_is_free(port: int, address: str = DEFAULT_DASHBOARD_ADDRESS) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the server itself does: a port left in TIME_WAIT by a stopped server is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None, address: str = DEFAULT_DASHBOARD_ADDRESS) -> int:
    """The requested port if free (else a clear error), or the first free one from the default."""
    if requested is not None:
        if not port_is_free(requested, address):
            raise ConfigurationError(f"port {requested} is in use: choose another with --port")
        return requested
    for port in range(DEFAULT_DASHBOARD_PORT, DEFAULT_DASHBOARD_PORT + PORT_SEARCH):
        if port_is_free(port, address):
            return port
    raise ConfigurationError(
        f"ports {DEFAULT_DASHBOARD_PORT}-{DEFAULT_DASHBOARD_PORT + PORT_SEARCH - 1} are all "
        "in use: choose one with --port"
    )


def streamlit_command(port: int, address: str = DEFAULT_DASHBOARD_ADDRESS) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(dashboard_server()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        # What import accepts, in whole MB (the guards refuse anything larger, and anything
        # from a browser not signed in as staff, before Streamlit reads it).
        "--server.maxUploadSize",
        str(math.ceil(MAX_UPLOAD_BYTES / 2**20)),
        # An error a page did not handle shows a message, never a traceback (asgi.py).
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--theme.base",
        "light",
        # Okabe-Ito blue: calm, and distinct for colour-blind readers (the default is red).
        "--theme.primaryColor",
        "#0072B2",
    ]


def serve_dashboard(
    db_url: str,
    *,
    port: int | None = None,
    open_browser: bool = True,
    demo: bool = False,
    host: str = DEFAULT_DASHBOARD_ADDRESS,
) -> int:
    """Run the dashboard in the foreground until Ctrl-C; return its exit code.

    It listens on `host`: this computer only by default. Any other address serves the network
    (with a warning): the dashboard speaks plain HTTP, so put it behind a TLS reverse proxy.
    """
    proxies = trusted_proxies(os.environ.get(ENV_TRUSTED_PROXIES, ""))
    chosen = choose_port(port, host)
    # Every address (0.0.0.0, ::) includes this computer's; a single address is reached as is.
    local = DEFAULT_DASHBOARD_ADDRESS if host in ("0.0.0.0", "::") else host
    url = f"http://{local}:{chosen}/"
    if not is_loopback(host):
        print(
            f"hrv-relax dashboard: WARNING: serving on {host}, reachable from the network, in "
            "plain HTTP. Passwords and health data cross the network unencrypted unless a "
            "TLS reverse proxy (Caddy, nginx) sits in front: see docs/privacy.md.",
            file=sys.stderr,
            flush=True,
        )
    # The names it answers to; behind a reverse proxy, HRV_RELAX_ALLOWED_HOSTS adds the public one.
    hosts = [*allowed_hosts_for(host), *os.environ.get(ENV_ALLOWED_HOSTS, "").split(",")]
    env = {
        **os.environ,
        ENV_DB: db_url,
        ENV_ALLOWED_HOSTS: ",".join(h for h in hosts if h),
        UVICORN_TRUSTED: proxies,
    }
    if demo:
        env[ENV_DEMO] = "1"
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the dashboard as Ctrl-C does
    proc = subprocess.Popen(streamlit_command(chosen, host), env=env)
    try:
        if not _wait_until_serving(proc, chosen, local):
            return proc.wait()
        # Only now: a browser opened earlier would meet a refused connection.
        print(f"hrv-relax dashboard: {url}  (Ctrl-C to stop)", flush=True)
        if open_browser:
            with contextlib.suppress(webbrowser.Error):
                webbrowser.open(url)
        return wait_interruptibly(proc)
    except KeyboardInterrupt:
        stop_server(proc)
        return 0


def wait_interruptibly(proc: subprocess.Popen[bytes], step_s: float = 0.5) -> int:
    """`proc.wait()`, in steps of `step_s`, so that a Ctrl-C is acted on within one step.

    Python runs a signal's handler in the main thread, between two steps of its code. The
    kernel may hand a process's SIGINT to another of its threads (a library's), and then a
    main thread blocked in one long wait for the server does not wake: Ctrl-C did nothing
    until the server ended by itself.
    """
    while True:
        try:
            return proc.wait(timeout=step_s)
        except subprocess.TimeoutExpired:
            continue


def stop_server(proc: subprocess.Popen[bytes], timeout_s: float = DASHBOARD_STOP_TIMEOUT_S) -> None:
    """Stop the Streamlit server as Ctrl-C does, and make sure it has ended when this returns.

    Streamlit can miss a SIGTERM that comes while it is still starting (its port already open):
    a server asked once right after its start went on serving, with no parent, until killed.
    So it is asked again every second, and killed if it has not ended within `timeout_s`, or
    at once on a second Ctrl-C.
    """
    deadline = time.monotonic() + timeout_s
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    if proc.poll() is None:
        log.warning("the dashboard's server did not stop within %.0f s: killed", timeout_s)
        proc.kill()
        proc.wait()


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this computer only."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _wait_until_serving(proc: subprocess.Popen[bytes], port: int, address: str) -> bool:
    """Wait until the server accepts connections; False if it exited first."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((address, port)) == 0:
                return True
        time.sleep(0.1)
    return True  # slow machine: let the user try; the server is still starting


def _interrupt(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise KeyboardInterrupt


def demo_credentials() -> str:
    """The demo accounts, printed so a newcomer can sign out and in as another role."""
    lines = ["hrv-relax demo: demo accounts (simulated people, this demo database only):"]
    lines += [
        f"  {username:<16} {role:<10} password {DEMO_PASSWORD}"
        for username, role, _, _ in DEMO_ACCOUNTS
    ]
    return "\n".join(lines)


def prepare_demo_database(db_url: str) -> None:
    """Seed the demo practice; a new SQLite file appears only once fully seeded.

    Seeding takes a few seconds: a Ctrl-C meanwhile must not leave a half-seeded database
    that later runs would take for a complete one.
    """
    url = make_url(db_url)
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if path is None or path.exists():
        # Checked before anything is written, migrations included: this may be a clinic's.
        probe = open_store(db_url, migrate=False)
        try:
            check_demo_database(probe)
        finally:
            probe.close()
        store = open_store(db_url)
        seed_demo(store)
        store.close()
        return
    partial = path.with_name(path.name + ".seeding")
    companions = [Path(f"{partial}{suffix}") for suffix in ("-wal", "-shm", "-writers.lock")]
    for leftover in (partial, *companions):
        leftover.unlink(missing_ok=True)
    store = open_store(sqlite_url(partial))
    seed_demo(store)
    with store.write() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the main file
    store.close()
    partial.replace(path)
    for leftover in companions:
        leftover.unlink(missing_ok=True)
    # The seeding recorders' commit pipes (hrv_relax.capture.group_commit); the real file
    # gets its own when its recorders start.
    shutil.rmtree(f"{partial}{SPOOL_SUFFIX}", ignore_errors=True)


def run_demo(db: str | None, *, port: int | None = None, open_browser: bool = True) -> int:
    """Seed the demo practice, record a live simulated session, and serve the dashboard.

    `db` (the --db option) may name another demo database; HRV_RELAX_DB, which points a
    clinic's laptops at the clinic's database, is never used.
    """
    db_url = resolve_db_url(db or demo_db_path())
    port = choose_port(port)  # before anything starts: a busy port is a clear error at once
    print(
        "hrv-relax demo: preparing the demo practice (a few seconds the first time)...", flush=True
    )
    prepare_demo_database(db_url)
    # This demo's recordings (its own and those its pages start) are listed here, so that its
    # Ctrl-C stops them and not those of another demo serving the same database.
    started_list = private_dir(data_dir() / "logs") / f"demo-started-{os.getpid()}.txt"
    started_list.unlink(missing_ok=True)
    os.environ[ENV_STARTED_LIST] = str(started_list)
    client = DEMO_CLIENTS[0][0]
    store = open_store(db_url)
    demo_client = find_client(store, client)
    store.close()
    if demo_client is None:
        raise HrvRelaxError(f"the demo database has no client {client!r}: delete it and retry")
    started = start_recording(
        db_url, client_id=demo_client.id, seed=int.from_bytes(os.urandom(2), "little")
    )
    try:
        print(
            f"hrv-relax demo: recording simulated session {started.session_id} for {client} "
            f"(signed in as {DEMO_THERAPIST}; database {shown_db_url(db_url)})",
            flush=True,
        )
        print(demo_credentials(), flush=True)
        return serve_dashboard(db_url, port=port, open_browser=open_browser, demo=True)
    finally:
        # The demo's recordings, and any started from its pages, end with it.
        stop_own_recordings(db_url, started_list)
        os.environ.pop(ENV_STARTED_LIST, None)


def stop_own_recordings(db_url: str, started_list: Path) -> tuple[int, ...]:
    """Stop the recordings noted in `started_list`, wait for them to end, remove the list."""
    store = open_store(db_url)
    try:
        asked = stop_recordings(store, started_sessions(started_list))
        _wait_until_recordings_end(store, asked, DASHBOARD_STOP_TIMEOUT_S)
    finally:
        store.close()
    started_list.unlink(missing_ok=True)
    return asked


def _wait_until_recordings_end(
    store: Store, session_ids: tuple[int, ...], timeout_s: float
) -> None:
    """Give the recorders asked to stop time to finish their sessions (about a second each)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        recording = {s.id for s in list_sessions(store, statuses=("recording",))}
        if not recording.intersection(session_ids):
            return
        time.sleep(0.2)
