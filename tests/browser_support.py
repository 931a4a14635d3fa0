"""Run the real app in a subprocess and drive it with Debian's chromium via Playwright.

Never downloads a browser: uses /usr/bin/chromium (installed by tools/ensure_chromium.sh).
Records every request that leaves localhost and every console error.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
DEAD_PORT = 9  # the discard port: nothing listens, so a proxied request fails at once
# On a page URL (/timeline) Streamlit's frontend first probes for a base path under the
# page (/timeline/_stcore/health, /timeline/_stcore/host-config), gets 404 and falls back
# to /_stcore/...; the browser logs "Failed to load resource" for each. Expected, ignored.
BASE_PATH_PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app_process(
    warehouse: Path, log_path: Path | None = None, env: dict[str, str] | None = None
):
    """Serve app.py on a free localhost port, as `make run` does (.streamlit/config.toml);
    yield (base URL, server pid). The server's output goes to `log_path` if given; `env`
    adds environment variables (e.g. ATLAS_MAX_SESSIONS)."""
    port = free_port()
    env = {**os.environ, "ATLAS_WAREHOUSE": str(warehouse), **(env or {})}
    # A file, not a pipe: nobody reads the server's output while it runs, and a full
    # pipe would block the server.
    # closed in the finally below
    log = log_path.open("w+") if log_path else tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            proc.kill()
            log.seek(0)
            raise RuntimeError("streamlit did not start:\n" + log.read()[-5000:])
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def running_app(warehouse: Path):
    """Serve app.py on a free localhost port; yield its base URL."""
    with running_app_process(warehouse) as (base, _pid):
        yield base


@dataclass
class PageLog:
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    ignored_probes: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt: script ran

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self) -> None:
        """Nothing left localhost, nothing logged an error, no script raised a dialog."""
        assert self.external_requests == [], self.external_requests
        assert self.console_errors == [], self.console_errors
        assert self.dialogs == [], self.dialogs

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        host = urlparse(url).hostname or ""
        if url and host not in LOCAL_HOSTS and url in self.external_requests:
            return  # the failed load of a blocked request: recorded as external already
        if message.text.startswith("Failed to load resource") and BASE_PATH_PROBE.search(url):
            self.ignored_probes.append(url)
        else:
            self.console_errors.append(f"{message.text} ({url})" if url else message.text)


@contextmanager
def chromium():
    """Playwright driving Debian's chromium (one per test session: see conftest)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"chromium not found at {CHROMIUM}: "
            "run 'bash tools/ensure_chromium.sh' (make test does)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                # Nothing may leave the machine: every non-loopback request goes to a dead
                # proxy (loopback is never proxied) and fails; pages record each attempt.
                # (Not page.route: intercepting requests turns the browser cache off and
                # sends every request through Python, which made each page load slow.)
                f"--proxy-server=http://127.0.0.1:{DEAD_PORT}",
            ],
        )  # fmt: skip
        # One context (so one HTTP and code cache) for the session; each test its page.
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        try:
            yield context
        finally:
            context.close()
            browser.close()


@contextmanager
def browser_page(browser, width: int = 1600, height: int = 1000):
    """A fresh page that records every request leaving localhost (all of them fail:
    see chromium()), console errors and dialogs. `browser` is the session's context."""
    log = PageLog()
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": height})

    def on_request(request):
        host = urlparse(request.url).hostname or ""
        if not request.url.startswith(("data:", "blob:")) and host not in LOCAL_HOSTS:
            log.external_requests.append(request.url)

    page.on("request", on_request)
    page.on("console", log.on_console)
    page.on("dialog", log.on_dialog)
    page.on("pageerror", lambda e: log.console_errors.append(str(e)))
    try:
        yield page, log
    finally:
        page.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its own container: a "full page" shot is the viewport
    # anyway, and costs seconds more with a WebGL map under software GL.
    page.screenshot(path=str(path))
    return path


# --- waiting on the page's state, never on the clock --------------------------------------

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (its own state attribute)."""
    page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout)


DRAWN = '[data-testid="stMain"] [data-testid="stElementContainer"]'
SKELETONS = '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]'


def wait_rendered(page, timeout: float = 60_000) -> None:
    """Wait until the script has run and every element has drawn: Streamlit shows a
    grey skeleton while an element's code (maps, tables, charts) is still loading."""
    # something drawn first: before the first run the app also reads as "notRunning".
    # After a click the last run's elements are there at once: a caller waits for what
    # only the new run draws (the state may read "notRunning" before the rerun starts).
    page.locator(DRAWN).first.wait_for(state="attached", timeout=timeout)
    wait_idle(page, timeout)
    page.wait_for_function(
        f"() => document.querySelectorAll('{SKELETONS}').length === 0", timeout=timeout
    )
    next_frames(page)


def next_frames(page, count: int = 2) -> None:
    """Wait until the browser has drawn `count` more animation frames (deck.gl and Plotly
    draw on animation frames: a state, not a fixed delay)."""
    page.evaluate(
        """(n) => new Promise((done) => {
            const step = (left) => left ? requestAnimationFrame(() => step(left - 1)) : done();
            step(n);
        })""",
        count,
    )


def wait_until(check, *, timeout: float = 30.0, what: str = "condition"):
    """Poll `check()` until it returns a truthy value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached in {timeout:.0f} s (last: {last!r})")


def to_screen(box: dict, lon: float, lat: float, view: dict) -> tuple[float, float]:
    """Where (lon, lat) is drawn in a deck.gl canvas (`box`) showing `view` (Web
    Mercator: latitude, longitude, zoom)."""
    import math

    scale = 512 * 2 ** view["zoom"]

    def merc(value: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(value) / 2))

    x = box["width"] / 2 + (lon - view["longitude"]) / 360 * scale
    y = box["height"] / 2 - (merc(lat) - merc(view["latitude"])) / (2 * math.pi) * scale
    return box["x"] + x, box["y"] + y


def click_with_time_held(page, x: float, y: float) -> None:
    """Press and release at (x, y) while the page's clock (Date.now) stands still.

    deck.gl counts a press and release as a click only when they are less than 250 ms
    apart by Date.now. On pointer-down it first picks the object under the pointer,
    which under software GL (no GPU: headless CI) takes 300-500 ms, so every real click
    there reads as a drag. Holding the clock for the two events removes that delay and
    nothing else: the events, the pick and the app's response are all real.
    """
    page.evaluate(
        "() => { const t = Date.now(); window.__realNow = Date.now; Date.now = () => t; }"
    )
    try:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.up()
    finally:
        page.evaluate("() => { Date.now = window.__realNow; }")


def open_story_panel(sidebar) -> None:
    """Open the sidebar's Story panel (dashboard/ui/story.py: built when opened) and wait
    for its fields."""
    add = sidebar.get_by_role("button", name="Add this view to the story")
    if not add.is_visible():  # a click on an open panel would close it
        sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="Story").click()
    add.wait_for(timeout=30_000)
