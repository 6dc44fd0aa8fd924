"""The real app served by gunicorn in its own processes, and plain HTTP clients for it.

For the tests that need what the test client cannot give: real concurrency (several worker
processes, each with several threads, on one database) and a server that can be killed
(SIGKILL to its whole process group, as an out-of-memory kill or a power cut of the host does to
the server; the database itself is not killed) and started again on the same database.

- The server runs the production configuration (CSRF on, SQLite with the default pragmas) on the
  test's database (a SQLite file of tmp_path, or TEST_DATABASE_URL), given through PARTYFLOW_*
  environment variables as an operator would.
- The test binds the listening socket itself (port 0) and hands it to gunicorn (``fd://``):
  no race for a free port.
- The clients use http.client, one connection per request, no redirect followed: a 302 is the
  answer the test records.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from webapp.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "served-in-tests"


class ServerProcess:
    """gunicorn serving ``create_app()`` on ``database_url``; ``start()`` and ``kill()``."""

    def __init__(self, database_url: str, log_path: Path, workers: int = 2, threads: int = 4):
        self.database_url, self.log_path = database_url, log_path
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 30.0) -> ServerProcess:
        listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = listener.getsockname()[1]
        env = {**os.environ, "PARTYFLOW_SQLALCHEMY_DATABASE_URI": self.database_url,
               "PARTYFLOW_SECRET_KEY": SECRET_KEY}
        command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}",
                   "--workers", str(self.workers), "--threads", str(self.threads), "--worker-class", "gthread",
                   # the app is imported once, in the master, and forked: quicker to (re)start
                   "--preload", "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
                   "webapp:create_app()"]
        with open(self.log_path, "a") as log:
            # a new session: the server and its workers form a process group of their own, killed as one
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log,
                                            pass_fds=[listener.fileno()], start_new_session=True)
        listener.close()  # gunicorn holds it now: once gunicorn is gone, connections are refused
        try:
            self._wait_until_serving(timeout)
        except BaseException:
            self.kill()  # never a server left behind by a failed test
            raise
        return self

    def _wait_until_serving(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.request("GET", "/auth/login", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: no request finishes, no cleanup runs.

        Tests also end the server this way when they are done with it: nothing is left to finish
        then, and gunicorn's graceful shutdown takes seconds."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def connect(self, timeout: float = 60.0) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.connect()
        return connection

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                connection: http.client.HTTPConnection | None = None, timeout: float = 60.0) -> Reply:
        """One request on ``connection`` (a new one if none), closed afterwards."""
        connection = connection or self.connect(timeout)
        try:
            connection.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
            response = connection.getresponse()
            return Reply(response.status, response.getheader("Location"), response.headers.get_all("Set-Cookie") or [],
                         response.read().decode("utf-8", errors="replace"))
        finally:
            connection.close()


@dataclass
class Reply:
    status: int
    location: str | None
    set_cookies: list[str]
    text: str

    def json(self):
        return json.loads(self.text)


class Browser:
    """A logged-in browser of one user: its session cookie and the CSRF token its pages carry."""

    def __init__(self, server: ServerProcess, username: str):
        self.server, self.cookies = server, {}
        self.csrf_token = self._page_token("/auth/login")
        reply = self.post("/auth/login", {"username": username, "password": DEMO_PASSWORD})
        assert reply.status == 302, (reply.status, reply.text[:500])
        self.csrf_token = self._page_token("/inbox/")

    def _page_token(self, path: str) -> str:
        reply = self.get(path)
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', reply.text).group(1)

    def get(self, path: str) -> Reply:
        return self._keep_cookies(self.server.request("GET", path, headers=self._headers()))

    def post(self, path: str, form: dict, connection=None) -> Reply:
        """The form as a browser posts it: booleans as a ticked checkbox, lists as repeated keys."""
        fields = {key: "y" if value is True else value for key, value in form.items() if value is not False}
        body = urlencode({**fields, "csrf_token": self.csrf_token}, doseq=True).encode()
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        return self._keep_cookies(self.server.request("POST", path, body, headers, connection=connection))

    def _headers(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep_cookies(self, reply: Reply) -> Reply:
        for header in reply.set_cookies:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return reply


class ApiUser:
    """A user of the JSON API: the bearer token from POST /api/v1/auth/token."""

    def __init__(self, server: ServerProcess, username: str):
        self.server, self.username = server, username
        reply = self.server.request("POST", "/api/v1/auth/token", *self._json(
            {"username": username, "password": DEMO_PASSWORD}))
        assert reply.status == 200, (reply.status, reply.text[:500])
        self.token = reply.json()["token"]

    def post(self, path: str, payload: dict, connection=None, timeout: float = 60.0) -> Reply:
        body, headers = self._json(payload)
        return self.server.request("POST", f"/api/v1{path}", body, {**headers, "Authorization": f"Bearer {self.token}"},
                                   connection=connection, timeout=timeout)

    @staticmethod
    def _json(payload: dict) -> tuple[bytes, dict]:
        return json.dumps(payload).encode(), {"Content-Type": "application/json"}
