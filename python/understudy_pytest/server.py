"""One `understudy serve` process and its admin API (/__understudy/), with nothing but the stdlib."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Optional, Sequence

DEFAULT_CLOCK = "2025-07-01T00:00:00Z"
_LISTENING = re.compile(r"^Understudy listening on (http://\S+)")
_FINDING = re.compile(r"finding=(.*?) request=(\S+ \S+)")


class UnderstudyError(RuntimeError):
    """The server could not be found or started, or its admin API refused a request."""


def find_binary(search_path: bool = True) -> str:
    """UNDERSTUDY_BIN, else the binary inside this package (the platform wheel), else PATH (unless
    `search_path` is false: the wheel's own `understudy` command is on PATH and would find itself)."""
    named = os.environ.get("UNDERSTUDY_BIN")
    if named:
        if not (os.path.isfile(named) and os.access(named, os.X_OK)):
            raise UnderstudyError(f"UNDERSTUDY_BIN={named} is not an executable file")
        return os.path.abspath(named)
    packaged = Path(__file__).parent / "bin" / "understudy"
    if packaged.is_file():
        if not os.access(packaged, os.X_OK):
            try:
                packaged.chmod(packaged.stat().st_mode | 0o111)
            except OSError:
                pass
        if os.access(packaged, os.X_OK):
            return str(packaged)
    on_path = shutil.which("understudy") if search_path else None
    if on_path:
        return on_path
    raise UnderstudyError(
        "No understudy binary: set UNDERSTUDY_BIN, install the platform wheel (it carries one) "
        "or put `understudy` on PATH (swift build -c release, then copy .build/release/understudy)."
    )


class UnderstudyServer:
    """`understudy serve --port 0 …` on 127.0.0.1; stop() ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, *args: str, binary: Optional[str] = None, clock: Optional[str] = DEFAULT_CLOCK,
                 self_check: bool = True, startup_timeout: float = 20.0):
        self.binary = binary or find_binary()
        argv = [self.binary, "serve", *args]
        if not _has_option(args, "--port"):
            argv += ["--port", "0"]
        if clock is not None and not _has_option(args, "--clock"):
            argv += ["--clock", clock]
        if self_check and "--self-check" not in args:
            argv.append("--self-check")
        self.argv = argv
        self._lock = threading.Lock()
        self._stderr: list[str] = []
        self._violations: list[str] = []
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        self.base_url = self._await_listening(startup_timeout)

    # -- addresses

    @property
    def openai_base_url(self) -> str:
        return self.base_url + "/v1"

    @property
    def openrouter_base_url(self) -> str:
        return self.base_url + "/api/v1"

    # -- the admin API

    def add_scenarios(self, yaml: str) -> list[str]:
        """Adds scenario rules (a `scenarios:` document, as fixtures/scenarios.yaml); returns their names."""
        return self._admin("POST", "scenarios", yaml.encode(), "application/yaml")["added"]

    def remove_scenarios(self, name: Optional[str] = None) -> int:
        """Removes the scenario of that name (every scenario when None); returns how many went."""
        path = "scenarios" if name is None else "scenarios/" + urllib.parse.quote(name, safe="")
        return self._admin("DELETE", path)["removed"]

    def scenarios(self) -> list[dict]:
        return self._admin("GET", "scenarios")["scenarios"]

    def set_clock(self, clock: str) -> str:
        """Sets the server's now to an ISO-8601 instant (or "system"); returns it as an HTTP date."""
        return self._admin("POST", "clock", json.dumps({"clock": clock}).encode(), "application/json")["now"]

    def journal(self, limit: int = 500) -> list[dict]:
        """The newest exchanges (at most `limit`), oldest first: method, path, status, flavor, scenario, fault…"""
        return list(reversed(self._admin("GET", f"journal?limit={limit}")["data"]))

    def reset(self) -> None:
        """Forgets counters, stored responses, rate limits, the journal, the clock and the violations seen so far."""
        self._admin("POST", "reset", b"", "application/json")
        with self._lock:
            self._violations.clear()

    def contract_violations(self) -> list[str]:
        """Responses and stream chunks that broke the contract (--self-check) since start or the last reset,
        each as "METHOD /path: self-check: …", from the server's log."""
        self._settle_logs()
        with self._lock:
            return list(self._violations)

    @property
    def stderr(self) -> str:
        with self._lock:
            return "".join(self._stderr)

    # -- life cycle

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> "UnderstudyServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<UnderstudyServer {self.base_url}>"

    # -- internals

    def _await_listening(self, timeout: float) -> str:
        found: list[str] = []
        ready = threading.Event()

        def read_stdout() -> None:
            for line in self.process.stdout:
                if not found:
                    match = _LISTENING.match(line)
                    if match:
                        found.append(match.group(1).rstrip("/"))
                        ready.set()
            ready.set()

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        ready.wait(timeout)
        if not found:
            self.stop()
            time.sleep(0.05)
            raise UnderstudyError(f"{' '.join(self.argv)} did not say where it listens within {timeout}s "
                                  f"(exit status {self.process.returncode}):\n{self.stderr}")
        return found[0]

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            with self._lock:
                if len(self._stderr) < 10000:
                    self._stderr.append(line)
                if "contract violation" in line:
                    match = _FINDING.search(line)
                    self._violations.append(f"{match.group(2)}: {match.group(1)}" if match else line.strip())

    def _settle_logs(self) -> None:
        # The server logs a finding before it answers; a tiny grace lets the reader thread catch up.
        time.sleep(0.02)

    def _admin(self, method: str, path: str, body: Optional[bytes] = None, content_type: Optional[str] = None) -> Any:
        request = urllib.request.Request(f"{self.base_url}/__understudy/{path}", data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise UnderstudyError(f"{method} /__understudy/{path}: {error.code} {detail}") from None


def _has_option(args: Sequence[str], name: str) -> bool:
    return any(a == name or a.startswith(name + "=") for a in args)
