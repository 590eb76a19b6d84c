"""The GitHub Action's start script (scripts/action-start, run by action.yml) on the release archive
that scripts/release built, given as a file:// input: no download, the rest as on a runner."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

JULY = 1751328000


@pytest.fixture(scope="module")
def archive():
    archives = sorted((ROOT / "dist").glob("understudy-*-linux-x86_64.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not archives:
        pytest.fail("no release archive in dist/: scripts/release builds it (scripts/test-downloads runs it first)")
    return archives[-1]


def start(tmp_path, **inputs):
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "output"),
           "GITHUB_PATH": str(tmp_path / "path")}
    env.update({f"UNDERSTUDY_ACTION_{name.upper()}": value for name, value in inputs.items()})
    done = subprocess.run([str(ROOT / "scripts" / "action-start")], capture_output=True, text=True, timeout=60, env=env)
    outputs = {}
    if (tmp_path / "output").exists():
        outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().splitlines())
    return done, outputs


def test_starts_the_archive_and_waits_for_health(tmp_path, archive):
    started = time.monotonic()
    done, outputs = start(tmp_path, archive=f"file://{archive}", port="0", args="--seed 7 --clock 2025-07-01T00:00:00Z")
    print(f"action-start: healthy {time.monotonic() - started:.2f} s after it began")
    assert done.returncode == 0, done.stderr
    try:
        assert outputs["openai-base-url"] == outputs["base-url"] + "/v1"
        with urllib.request.urlopen(outputs["base-url"] + "/health", timeout=10) as response:
            assert response.status == 200
        request = urllib.request.Request(outputs["openai-base-url"] + "/chat/completions", method="POST",
                                         data=json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "ping"}]}).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            reply = json.load(response)
        assert reply["choices"][0]["message"]["content"] == "pong" and reply["created"] == JULY
        # `understudy` is on the job's PATH for later steps, beside what the archive carries.
        bindir = Path((tmp_path / "path").read_text().strip())
        assert (bindir / "understudy").is_file() and Path(outputs["bin"]) == bindir / "understudy"
        for shipped in ["fixtures/models.yaml", "fixtures/replies.yaml", "fixtures/scenarios.yaml",
                        "completions/understudy.bash", "completions/_understudy", "completions/understudy.fish",
                        "help/understudy-serve.txt", "LICENSE", "CHANGELOG.md", "docs/serve.md", "docs/container.md"]:
            assert (bindir / shipped).is_file(), shipped
        assert "complete" in (bindir / "completions" / "understudy.bash").read_text()
        assert "--admin-token" in (bindir / "help" / "understudy-serve.txt").read_text()
    finally:
        os.kill(int(outputs["pid"]), signal.SIGTERM)


def test_a_missing_archive_fails_clearly(tmp_path):
    done, outputs = start(tmp_path, archive=str(tmp_path / "nothing.tar.gz"))
    assert done.returncode != 0 and "no archive at" in done.stderr
    assert outputs == {}


def test_a_server_that_cannot_start_fails_with_its_log(tmp_path, archive):
    started = time.monotonic()
    done, outputs = start(tmp_path, archive=str(archive), port="0", args="--clock nonsense", timeout="20")
    assert done.returncode != 0
    assert "--clock must be" in done.stderr and "exited before it was healthy" in done.stderr
    assert time.monotonic() - started < 15
    assert outputs == {}


def test_action_yml_passes_every_input_to_the_script():
    action = (ROOT / "action.yml").read_text()
    script = (ROOT / "scripts" / "action-start").read_text()
    inputs = re.findall(r"^  ([a-z-]+):\n    description:", action.split("outputs:")[0], re.M)
    assert inputs == ["version", "archive", "port", "args", "timeout"]
    for name in inputs:
        variable = f"UNDERSTUDY_ACTION_{name.upper()}"
        assert f"{variable}: ${{{{ inputs.{name} }}}}" in action
        assert variable in script
    assert '"$GITHUB_ACTION_PATH/scripts/action-start"' in action
