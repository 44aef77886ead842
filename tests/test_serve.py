"""``framing serve`` in a real headless browser (Debian's chromium through Playwright),
and its token check over HTTP."""

from __future__ import annotations

import io
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from framing.cli import main

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()),
    None,
)
NO_CHROMIUM = (
    "NO CHROMIUM ON THIS MACHINE: the browser test of `framing serve` did not run. "
    "Install Debian's chromium (apt-get install chromium) to run it."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(db: Path, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    cmd = [sys.executable, "-c", "from framing.cli import main; main()", "serve"]
    cmd += ["--db", str(db), "--port", str(port), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ)
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise AssertionError(f"framing serve exited: {out}") from None
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("framing serve did not listen")


@pytest.fixture
def served(seeded_db: Path) -> Iterator[tuple[Path, int]]:
    proc, port = start(seeded_db)
    try:
        yield seeded_db, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as err:
        return err.code


def wait_until_painted(page: Any, timeout: float = 60.0) -> None:
    """Wait until the tab's app has painted its first screen (xterm.js draws on a
    canvas, so the page has no text to wait for: the terminal's pixels are counted
    instead; an unpainted terminal has one or two colours)."""
    from PIL import Image

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shot = Image.open(io.BytesIO(page.locator(".textual-terminal").screenshot()))
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 16)
        if colours is None or len(colours) > 8:
            return
        time.sleep(0.2)
    raise AssertionError("the served app did not paint its first screen in time")


def press_until_labelled(page: Any, db: Path, annotator: str, key: str) -> None:
    """Press ``key`` until the annotator has a label (the app may still be starting)."""
    deadline = time.monotonic() + 60
    while not labels(db, annotator) and time.monotonic() < deadline:
        page.keyboard.press(key)
        time.sleep(0.3)


def labels(db: Path, annotator: str) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT dimension, value FROM labels WHERE annotator = ? ORDER BY id", [annotator]
        ).fetchall()
    finally:
        con.close()


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_label_typed_in_the_browser_is_in_sqlite(served: tuple[Path, int]) -> None:
    from playwright.sync_api import sync_playwright

    db, port = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.goto(f"http://127.0.0.1:{port}/?annotator=webby")
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            page.click(".textual-terminal")
            press_until_labelled(page, db, "webby", "1")
        finally:
            browser.close()
    assert labels(db, "webby")[0] == ("perspective", "pakistani_institute")


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_browser_without_a_name_is_asked_for_it(served: tuple[Path, int]) -> None:
    from playwright.sync_api import sync_playwright

    db, port = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            page.click(".textual-terminal")
            # Keys sent before the name field has focus are lost (a partial name would
            # start as someone else), so wait for the tab's app to paint its prompt.
            wait_until_painted(page)
            time.sleep(1)
            page.keyboard.press("Control+u")  # clears the name field
            page.keyboard.type("tabby")
            page.keyboard.press("Enter")  # no known names yet: starts at once
            press_until_labelled(page, db, "tabby", "2")
        finally:
            browser.close()
    assert labels(db, "tabby")[0] == ("perspective", "russian_hse_expert")


def test_non_loopback_needs_a_token(seeded_db: Path) -> None:
    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", str(seeded_db)])
    assert r.exit_code == 1 and "needs --token" in r.stderr


def test_request_without_the_token_gets_403(seeded_db: Path) -> None:
    proc, port = start(seeded_db, "--host", "0.0.0.0", "--token", "s3cret")
    try:
        base = f"http://127.0.0.1:{port}"
        assert status(f"{base}/") == 403
        assert status(f"{base}/?token=wrong&annotator=x") == 403
        assert status(f"{base}/?token=s3cret&annotator=x") == 200
        assert status(f"{base}/ws/made-up-key") == 403
    finally:
        proc.terminate()
        proc.wait(timeout=10)
