"""The `understudy` command the wheel installs: the bundled binary, run in place of the script.
Runs only from the platform wheel (scripts/test-release), where the binary is inside the package."""
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import understudy_pytest

pytestmark = pytest.mark.skipif(os.environ.get("UNDERSTUDY_EXPECT_PACKAGED_BINARY") != "1",
                                reason="needs the platform wheel's `understudy` command (scripts/test-release)")

RECORDINGS = Path(__file__).resolve().parents[2] / "fixtures" / "traffic" / "valid" / "understudy.jsonl"


def command():
    found = shutil.which("understudy")
    assert found is not None, "the wheel installed no `understudy` command"
    # The venv's own script, not another understudy on PATH.
    assert Path(found).parent == Path(sys.executable).parent, found
    return found


def test_version_comes_from_the_bundled_binary():
    done = subprocess.run([command(), "--version"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    # The binary says 0.9.0-dev where pip says 0.9.0.dev0: compare the release part.
    assert done.stdout.startswith("understudy "), done.stdout
    assert done.stdout.split()[1].split("-")[0] == understudy_pytest.__version__.split(".dev")[0].split(".post")[0].split("+")[0]


def test_serve_answers_and_stops_on_sigterm():
    process = subprocess.Popen([command(), "serve", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("Understudy listening on http://"), line + process.stderr.read()
        url = line.split()[-1]
        with urllib.request.urlopen(url + "/v1/models", timeout=30) as response:
            assert response.status == 200
    finally:
        process.terminate()
    # exec, not a child: the signal reaches the server itself, which exits 0.
    assert process.wait(timeout=10) == 0


def test_validate_runs_on_recorded_traffic():
    done = subprocess.run([command(), "validate", str(RECORDINGS)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_without_a_binary_it_says_so_instead_of_finding_itself(tmp_path):
    # UNDERSTUDY_BIN pointing nowhere: a clear error, never a loop through PATH back to this script.
    env = {**os.environ, "UNDERSTUDY_BIN": str(tmp_path / "missing")}
    done = subprocess.run([command(), "--version"], capture_output=True, text=True, timeout=30, env=env)
    assert done.returncode != 0
    assert "UNDERSTUDY_BIN" in done.stderr, done.stderr
