"""Helpers of the favorites, recents and clone benchmarks: the machine, a real Jupyter server, HTTP calls.

The scripts are run as ``python benchmarks/bench_<feature>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def machine() -> str:
    """One line about the machine, for the header of a benchmark's table."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BenchServer:
    """``python -m jupyter_server`` in a child process, with a token, a config file and one of our extensions.

    The server logs at DEBUG level; a thread reads its log so that ``logged_ms`` can return the time
    the server itself took for each request (tornado's ``request_time``). Use as a context manager:
    it starts on entry, once it answers, and stops on exit.
    """

    def __init__(
        self,
        root: Path,
        extension: str,
        config: str = "",
        env: dict[str, str] | None = None,
        *,
        token: str = "bench-token",  # noqa: S107 (a throw-away local server)
        timeout: float = 30.0,
    ):
        self.root, self.extension, self.config, self.env = Path(root), extension, config, env
        self.token, self.timeout = token, timeout
        self.port = free_port()
        self._lines: list[str] = []
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._server: subprocess.Popen | None = None

    def __enter__(self) -> BenchServer:
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-server-")
        config_file = Path(self._tmp.name) / "bench_config.py"
        config_file.write_text(self.config)
        self._server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--ServerApp.port={self.port}",
             f"--ServerApp.root_dir={self.root}", f"--IdentityProvider.token={self.token}",
             "--ServerApp.open_browser=False", "--allow-root",
             f"--ServerApp.jpserver_extensions={{{self.extension!r}: True}}",
             f"--config={config_file}", "--ServerApp.log_level=DEBUG"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self.env,
        )  # fmt: skip
        threading.Thread(target=self._read_log, daemon=True).start()
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.terminate()
            self._server.wait(timeout=30)
            self._server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _read_log(self) -> None:
        for line in self._server.stderr:
            self._lines.append(line)

    def _wait_ready(self) -> None:
        for _ in range(300):
            try:
                self.call("api/status")
                return
            except OSError:
                if self._server.poll() is not None:
                    break
                time.sleep(0.1)
        tail = "".join(self._lines[-20:])
        raise RuntimeError(f"jupyter server did not answer on port {self.port}; last log lines:\n{tail}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def request(self, path: str, method: str = "GET", body: dict | None = None) -> tuple[float, bytes]:
        """One request with the token; returns the seconds the HTTP exchange took and the raw answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url(path), data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (local server)
            raw = response.read()
        return time.perf_counter() - start, raw

    def call(self, path: str, method: str = "GET", body: dict | None = None) -> tuple[float, dict]:
        """``request`` and JSON decoding; returns the seconds both took and the decoded answer."""
        start = time.perf_counter()
        _, raw = self.request(path, method, body)
        payload = json.loads(raw)
        return time.perf_counter() - start, payload

    def reset_log(self) -> None:
        """Forget the requests logged so far, once the log reader has caught up."""
        time.sleep(0.5)
        self._lines.clear()

    def logged_ms(self, request: str) -> list[float]:
        """Server-side times (ms) of the successful requests logged since ``reset_log`` that match ``request``.

        ``request`` is a regular expression for the method and path, e.g. ``r"GET /hpc/recents(?:\\?\\S*)?"``.
        """
        time.sleep(0.5)  # let the reader catch up
        line = re.compile(rf"\b200 {request} \(.*\) ([\d.]+)ms")
        return [float(match[1]) for text in list(self._lines) if (match := line.search(text))]
