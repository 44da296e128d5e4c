"""Drive Debian's Chromium with Playwright against a dashboard served on localhost."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import REPO, require

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# Without the background-networking flags Chromium keeps dialling out on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
URL_LINE = re.compile(r"hrv-relax dashboard: (http://\S+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chromium_page() -> Iterator[Any]:
    require(CHROMIUM.exists(), "Debian chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed (pip install -e '.[dev]')")
        raise
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # In a context of its own: `page.context.new_page()` opens a tab of the same browser.
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        try:
            yield page
        finally:
            browser.close()


@contextmanager
def served(
    argv: list[str],
    env: dict[str, str],
    timeout_s: float = 60,
    output: list[str] | None = None,
    *,
    python: str = sys.executable,
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run an `hrv-relax` command that serves the dashboard; yield its URL; Ctrl-C it after.

    `output`, if given, receives what the command printed up to its URL line. `python` and
    `cwd` run it from another installation (the built wheel in a fresh environment).
    """
    # Ctrl-C as at a terminal: a test run started in the background of a shell script has
    # SIGINT ignored, and a dashboard started from it would inherit that and never see one.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    proc = subprocess.Popen(
        [python, "-m", "hrv_relax", *argv],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout_s
    url = None
    lines: list[str] = [] if output is None else output
    while url is None and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        match = URL_LINE.search(line)
        url = match.group(1) if match else None
    if url is None:
        proc.kill()
        raise AssertionError("the dashboard did not start:\n" + "".join(lines))
    # What it prints from now on is read too (and kept): a pipe nobody reads fills up, and a
    # server writing to a full pipe stops until someone does, as a terminal never makes it.
    later: list[str] = []
    reader = threading.Thread(target=lambda: later.extend(proc.stdout or ()), daemon=True)
    reader.start()
    try:
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError(
                "the dashboard did not stop within 20 s of Ctrl-C; it printed after its URL:\n"
                + "".join(later)[-4000:]
            ) from None
        reader.join(timeout=5)
        lines.extend(later)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, username: str, password: str, *, accepted: bool = True) -> None:
    """Fill in and submit the dashboard's sign-in form on the page open now.

    Once `accepted`, the signed-in page trades its cookie for a new one and reloads: this
    returns after that reload, so nothing is looked at (or clicked) on the page it replaces.
    """
    page.get_by_label("User name").wait_for(timeout=60_000)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with loaded(page, times=1 if accepted else 0):
        page.get_by_role("button", name="Sign in").click()


@contextmanager
def loaded(page: Any, *, times: int, timeout_s: float = 60) -> Iterator[None]:
    """After the block, wait until the page has loaded `times` times since it began.

    A browser the dashboard signs in (the demo does so on the first page) trades its sign-in
    cookie for a new one and reloads: its first page loads twice.
    """
    loads: list[object] = []

    def seen(loaded_page: object) -> None:
        loads.append(loaded_page)

    page.on("load", seen)
    try:
        yield
        deadline = time.monotonic() + timeout_s
        while len(loads) < times:
            assert time.monotonic() < deadline, f"the page loaded {len(loads)} of {times} times"
            page.wait_for_timeout(100)
    finally:
        page.remove_listener("load", seen)
