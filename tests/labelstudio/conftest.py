"""A real Label Studio server for the round-trip tests: started once, always stopped.

The server comes from ``.venv-labelstudio`` (``make labelstudio-server``, which ``make test`` runs:
Label Studio pins older numpy and pyarrow than the project's own venv has). It listens on
127.0.0.1 only, keeps its SQLite database in a temporary folder, and is told not to contact the
internet (no Sentry, no analytics, no version check). The tests speak its HTTP API with urllib:
weaklabel never imports Label Studio, and neither do its tests.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240  # seconds; the first start runs the migrations (about 40 s on 2 cores)
ADMIN = "admin@weaklabel.test"


def label_studio_executable() -> Path:
    """The ``label-studio`` command: $WEAKLABEL_LABEL_STUDIO, .venv-labelstudio, or on the path."""
    candidates = [
        os.environ.get("WEAKLABEL_LABEL_STUDIO", ""),
        str(ROOT / ".venv-labelstudio" / "bin" / "label-studio"),
        str(Path(sys.executable).parent / "label-studio"),
        shutil.which("label-studio") or "",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.fail(
        "Label Studio is not installed: run `make labelstudio-server` (or `make test`), which "
        "installs the `labelstudio` extra into .venv-labelstudio.",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LabelStudio:
    """A running server: its address and the admin's API token, and a small JSON client."""

    def __init__(self, url: str, token: str, log: Path, started_in: float) -> None:
        self.url = url
        self.token = token
        self.log = log
        self.started_in = started_in  # seconds until /health answered

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> Any:
        """Send a JSON request as the admin (or the owner of ``token``); return the JSON reply."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Token {token or self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:2000]
            raise AssertionError(f"{method} {path} -> {exc.code}: {detail}") from None
        return json.loads(raw) if raw else None

    def download(self, path: str) -> bytes:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"Token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return bytes(response.read())

    def sign_up(self, email: str, password: str) -> str:
        """Join the admin's organization through its invite link, as a new annotator would;
        return the new user's API token."""
        invite = self.call("GET", "/api/invite")
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page_url = self.url + invite["invite_url"]
        with browser.open(page_url, timeout=120) as response:
            page = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "no CSRF token on Label Studio's sign-up page"
        form = {"csrfmiddlewaretoken": found.group(1), "email": email, "password": password}
        request = urllib.request.Request(
            page_url,
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={"Referer": page_url},
        )
        with browser.open(request, timeout=120):
            pass
        with browser.open(self.url + "/api/current-user/token", timeout=120) as response:
            return str(json.loads(response.read())["token"])


def _server_env(data_dir: Path) -> dict[str, str]:
    """A clean environment: only what the server needs, nothing that lets it phone home."""
    env = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
    env.update(
        {
            "HOME": str(data_dir),
            "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
            "SENTRY_DSN": "",  # its default reports errors to Sentry
            "FRONTEND_SENTRY_DSN": "",
            "LABEL_STUDIO_COLLECT_ANALYTICS": "false",  # its default sends usage analytics
            "LATEST_VERSION_CHECK": "false",  # its default asks PyPI for a newer release
            "FEATURE_FLAGS_OFFLINE": "true",
            "CONVERTER_DOWNLOAD_RESOURCES": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _die_with_the_tests() -> None:
    """Run in the server process before it starts: SIGTERM when the test process dies, even by
    SIGKILL (Linux's PR_SET_PDEATHSIG), so that no server outlives its tests."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server we started, by its process id: SIGTERM, then SIGKILL."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"Label Studio exited with {process.returncode}:\n{tail}", pytrace=False)
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url + "/health", timeout=5) as response,
        ):
            if response.status == 200:
                return time.monotonic() - started
        time.sleep(1)
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"Label Studio did not answer /health in {START_TIMEOUT} s:\n{tail}", pytrace=False)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudio]:
    """A Label Studio server on 127.0.0.1 with an admin, for the whole session."""
    executable = label_studio_executable()
    data_dir = tmp_path_factory.mktemp("label-studio")
    log = data_dir / "server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = secrets.token_hex(20)
    command = [
        str(executable),
        "start",
        "--no-browser",
        "--internal-host", "127.0.0.1",  # the address it binds (0.0.0.0 by default)
        "--host", url,  # the address it puts in its links
        "--port", str(port),
        "--username", ADMIN,
        "--password", secrets.token_hex(16),  # hex: a leading "-" would read as an option
        "--user-token", token,
        "--enable-legacy-api-token",  # 1.23 refuses "Token <key>" auth otherwise
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=data_dir,
            env=_server_env(data_dir),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_the_tests,
        )
    try:
        started_in = _wait_until_healthy(process, url, log)
        yield LabelStudio(url, token, log, started_in)
    finally:
        _stop(process)
