"""serve's options from UNDERSTUDY_* variables (how a container is configured), the command line
winning; `understudy health` as a container's health command; a server running as a user without
CAP_NET_ADMIN answers (it set SO_DEBUG on every connection, refused, and closed them)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))


def serve(*args, env=None, user=None, binary=BINARY):
    """Starts the binary with only these variables besides PATH; returns (process, base URL)."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})}
    argv = [binary, *args]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    line = process.stdout.readline()
    if not line.startswith("Understudy listening on "):
        process.kill()
        raise AssertionError(line + process.stderr.read())
    return process, line.split()[-1]


def status(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stop(process):
    process.terminate()
    assert process.wait(timeout=15) == 0


def test_every_serve_option_has_its_variable():
    # EnvironmentOptions lists serve's options by name: a new option must join the list.
    dump = json.loads(subprocess.run([BINARY, "--experimental-dump-help"], capture_output=True, text=True, check=True).stdout)
    serve_command = next(c for c in dump["command"]["subcommands"] if c["commandName"] == "serve")
    options = {name["name"] for argument in serve_command["arguments"] for name in argument.get("names", [])
               if name["kind"] == "long"} - {"help", "version"}
    source = (ROOT / "Sources" / "understudy" / "EnvironmentOptions.swift").read_text()
    listed = re.findall(r'"([a-z][a-z-]*)"', source.split("static func variable")[0])
    assert sorted(listed) == sorted(options)


def test_variables_set_serve_options():
    process, url = serve(env={"UNDERSTUDY_PORT": "0", "UNDERSTUDY_NO_ADMIN": "true", "UNDERSTUDY_API_KEYS": "sk-a"})
    try:
        assert status(url + "/__understudy/journal") == 404  # --no-admin, even on loopback
        assert status(url + "/v1/models", {"Authorization": "Bearer sk-b"}) == 401
        assert status(url + "/v1/models", {"Authorization": "Bearer sk-a"}) == 200
    finally:
        stop(process)


def test_a_value_that_starts_with_a_dash_is_a_value():
    done = subprocess.run([BINARY, "serve", "--port", "0"], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "UNDERSTUDY_STREAM_INTERVAL_MS": "-5"})
    # Refused by serve's own check on the value, not as an unknown option "-5".
    assert done.returncode != 0 and "not negative" in done.stderr, done.stderr


def test_the_command_line_wins_and_an_empty_variable_is_unset():
    process, url = serve("serve", "--port", "0", env={"UNDERSTUDY_PORT": "1", "UNDERSTUDY_API_KEYS": ""})
    try:
        assert status(url + "/v1/models") == 200
    finally:
        stop(process)


def test_a_flag_variable_that_is_not_a_boolean_is_refused():
    done = subprocess.run([BINARY, "serve", "--port", "0"], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "UNDERSTUDY_SELF_CHECK": "maybe"})
    assert done.returncode != 0 and "self-check" in done.stderr


def test_other_commands_read_no_variables():
    done = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "UNDERSTUDY_PORT": "0"})
    assert done.returncode == 0 and done.stdout.startswith("understudy ")


def test_health_command():
    process, url = serve("serve", "--port", "0")
    port = url.rsplit(":", 1)[1]
    try:
        healthy = subprocess.run([BINARY, "health", "--port", port], capture_output=True, text=True, timeout=30)
        assert healthy.returncode == 0, healthy.stderr
        # UNDERSTUDY_PORT, as in the image.
        from_env = subprocess.run([BINARY, "health"], capture_output=True, text=True, timeout=30,
                                  env={"PATH": "/usr/bin:/bin", "UNDERSTUDY_PORT": port})
        assert from_env.returncode == 0, from_env.stderr
    finally:
        stop(process)
    closed = subprocess.run([BINARY, "health", "--port", port], capture_output=True, text=True, timeout=30)
    assert closed.returncode == 1 and f"127.0.0.1:{port}/health" in closed.stderr
    unbounded = subprocess.run([BINARY, "health", "--timeout", "0"], capture_output=True, text=True, timeout=30)
    assert unbounded.returncode != 0 and "--timeout must be" in unbounded.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start the server as another user (setpriv)")
def test_a_server_without_cap_net_admin_answers():
    # A copy the other user can reach whatever the checkout's folder allows (a clone under /root).
    folder = Path(tempfile.mkdtemp(prefix="understudy-nobody-"))
    try:
        folder.chmod(0o755)
        binary = folder / "understudy"
        shutil.copy(BINARY, binary)
        process, url = serve("serve", "--port", "0", user=65534, binary=str(binary))
        try:
            assert status(url + "/health") == 200
        finally:
            stop(process)
    finally:
        shutil.rmtree(folder)
