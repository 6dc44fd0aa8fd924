"""Browser fixtures of tests/browser: Debian's Chromium through pytest-playwright, the real app served
on 127.0.0.1 from the test's own database, and a guard that fails a test on a console error, an
uncaught page error or a request that leaves 127.0.0.1.

- Playwright can't download a browser here (never run `playwright install`), and no environment
  variable names an executable, so ``browser_type_launch_args`` points it at /usr/bin/chromium
  (`make chromium` installs it, with fonts-noto-cjk for the Chinese text).
- ``live_server`` serves the app of the shared ``app`` + ``demo`` fixtures with werkzeug in a daemon
  thread: the test and the server share one database (a SQLite file in WAL mode, or
  TEST_DATABASE_URL). A new server and database per test, like every other test of the suite.
- pytest-playwright's ``base_url`` and ``browser_context_args`` are session fixtures; the server is
  per test, so both are overridden here as function fixtures (``page.goto("/inbox/")`` works).
- CSRF protection is on here (the suite's ``app_config`` turns it off for the test client): the
  browser submits the real forms with their tokens, as in production.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",  # no Google look-ups: nothing may leave 127.0.0.1
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"  # git-ignored
LAPTOP = {"width": 1280, "height": 860}

# Chromium logs every response with an error status as a console error, the page itself included:
# "Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE CONTENT)". A test
# that provokes such a page on purpose (a form with errors: 422; another branch's item: 403) declares
# the status with ``browser_log.expect_status``; any other status still fails the test.
FAILED_RESOURCE = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})\b")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless unless --headed; pytest-playwright's other options (--slowmo) kept."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (never `playwright install`)", pytrace=False)
    return {"headless": True, **browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


class _InFlight:
    """WSGI middleware counting the requests being served, so shutdown can wait for them: a request
    still running holds a database connection, and the ``app`` fixture then drops every table."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.count -= 1

    def wait_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture
def live_server(app, demo):
    """The app on a free port of 127.0.0.1, on the test's database with the demo data; its base URL."""
    wsgi = _InFlight(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    # a short poll interval: shutdown() waits for the loop to look (0.5 s by default, in every test)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        wsgi.wait_idle()
        server.server_close()


@pytest.fixture
def base_url(live_server):
    return live_server


@pytest.fixture
def browser_context_args(base_url):
    """Every page: the live server as base URL, a laptop window, Chinese locale, Beijing time.
    A test changes them with ``@pytest.mark.browser_context_args(viewport=...)``."""
    return {"base_url": base_url, "viewport": LAPTOP, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@dataclass
class BrowserLog:
    """What the pages of one test reported: console errors, uncaught errors, requests to other hosts."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def expect_status(self, status: int) -> None:
        """The test provokes a response with this status on purpose: its console line is not a problem."""
        self.expected_statuses.add(status)

    def on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url")
            self.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def on_page_error(self, error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    def on_request(self, request) -> None:
        url = urlsplit(request.url)
        # data: (the empty favicon), blob: and about: never leave the machine
        if url.scheme in ("data", "blob", "about"):
            return
        if f"{url.scheme}://{url.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def problems(self) -> list[str]:
        found = []
        for text in self.console_errors:
            status = FAILED_RESOURCE.match(text)
            if status is None or int(status.group(1)) not in self.expected_statuses:
                found.append(f"console error: {text}")
        found += [f"page error: {text}" for text in self.page_errors]
        found += [f"request outside {self.origin}: {url}" for url in self.foreign_requests]
        return found


@pytest.fixture
def browser_log(live_server) -> BrowserLog:
    return BrowserLog(origin=live_server)


@pytest.fixture
def context(context, browser_log):
    """pytest-playwright's context, watched by ``browser_log`` (every page of it, popups included)."""
    context.on("console", browser_log.on_console)
    context.on("weberror", lambda web_error: browser_log.on_page_error(web_error.error))
    context.on("request", browser_log.on_request)
    return context


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test's body passed: fail it if its pages logged errors or left 127.0.0.1."""
    result = yield
    log = item.funcargs.get("browser_log")
    problems = log.problems() if log is not None else []
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)
    return result


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")``: the whole page into screenshots/browser-name.png."""

    def _take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"browser-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _take
