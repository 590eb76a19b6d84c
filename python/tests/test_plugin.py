"""The plugin's own tests: fixtures, reset between tests, the marker, the factory, the binary lookup."""
import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import understudy_pytest
import time

from understudy_pytest import UnderstudyError, UnderstudyServer, find_binary


def get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def chat(base_url, content="Hello", model="gpt-4o", headers=None):
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": content}]}).encode()
    request = urllib.request.Request(base_url + "/chat/completions", data=body, method="POST",
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_addresses(understudy):
    assert understudy.base_url.startswith("http://127.0.0.1:")
    assert understudy.openai_base_url == understudy.base_url + "/v1"
    assert understudy.openrouter_base_url == understudy.base_url + "/api/v1"
    status, headers, _ = get(understudy.openai_base_url + "/models")
    assert status == 200
    assert headers["date"] == "Tue, 01 Jul 2025 00:00:00 GMT"  # --clock 2025-07-01T00:00:00Z
    status, _, body = get(understudy.openrouter_base_url + "/models")
    assert status == 200 and json.loads(body)["data"]


def test_state_a_test_leaves_behind(understudy):
    """Leaves a clock, a scenario and journal entries: the next test must see none of them."""
    assert understudy.set_clock("2026-01-02T03:04:05Z") == "Fri, 02 Jan 2026 03:04:05 GMT"
    assert understudy.add_scenarios("scenarios:\n  - name: leftover\n    error: server-error\n") == ["leftover"]
    assert chat(understudy.openai_base_url)[0] == 500
    assert understudy.journal()[-1]["scenario"] == "leftover"


def test_is_reset_before_each_test(understudy):
    assert understudy.journal() == []
    assert understudy.scenarios() == []
    status, headers, _ = chat(understudy.openai_base_url)
    assert status == 200 and headers["date"] == "Tue, 01 Jul 2025 00:00:00 GMT"


@pytest.mark.understudy_scenarios("""
scenarios:
  - name: maintenance
    match: {header: {x-team: blue}}
    error: {status: 503, message: "Down for maintenance"}
""")
def test_marker_adds_scenarios_for_one_test(understudy):
    assert [s["name"] for s in understudy.scenarios()] == ["maintenance"]
    status, _, body = chat(understudy.openai_base_url, headers={"x-team": "blue"})
    assert status == 503 and body["error"]["message"] == "Down for maintenance"
    assert chat(understudy.openai_base_url)[0] == 200
    assert [(e["status"], e["scenario"]) for e in understudy.journal()] == [(503, "maintenance"), (200, None)]


def test_marker_scenarios_are_gone_afterwards(understudy):
    assert understudy.scenarios() == []
    assert chat(understudy.openai_base_url, headers={"x-team": "blue"})[0] == 200


@pytest.fixture(scope="module")
def module_base_url(understudy_session):
    return understudy_session.openai_base_url


def test_the_session_server_for_wider_scopes(module_base_url, understudy):
    assert module_base_url == understudy.openai_base_url


def test_add_and_remove_scenarios(understudy):
    understudy.add_scenarios("scenarios:\n  - name: a b\n    error: rate-limit\n  - name: c\n    error: server-error\n")
    assert understudy.remove_scenarios("a b") == 1
    assert [s["name"] for s in understudy.scenarios()] == ["c"]
    with pytest.raises(UnderstudyError, match="unknown_scenario"):
        understudy.remove_scenarios("a b")
    with pytest.raises(UnderstudyError, match="invalid_scenarios"):
        understudy.add_scenarios("scenarios: [{name: x, error: no-such-error}]")
    assert understudy.remove_scenarios() == 1


def test_header_scenarios_and_the_journal(understudy):
    assert chat(understudy.openai_base_url, headers={"Prefer": "code=429"})[0] == 429
    entry = understudy.journal()[-1]
    assert (entry["method"], entry["path"], entry["status"], entry["flavor"]) == ("POST", "/v1/chat/completions", 429, "openai")


def test_no_contract_violations(understudy):
    chat(understudy.openai_base_url)
    get(understudy.openai_base_url + "/models")
    assert understudy.contract_violations() == []
    assert "--self-check" in understudy.argv


FAKE_SERVER = r"""#!/bin/sh
echo "Understudy listening on http://127.0.0.1:9"
echo '2025-07-01T00:00:00+0000 warning understudy: finding=self-check: response body: /data/0: missing member "id" request=GET /v1/models [UnderstudyServer] contract violation' >&2
exec sleep 30
"""


def test_contract_violations_are_read_from_the_servers_log(tmp_path):
    """--self-check logs each finding (swift-log's format); the plugin collects them."""
    fake = tmp_path / "understudy"
    fake.write_text(FAKE_SERVER)
    fake.chmod(0o755)
    with UnderstudyServer(binary=str(fake)) as server:
        for _ in range(100):
            if server.contract_violations():
                break
            time.sleep(0.02)
        assert server.contract_violations() == ['GET /v1/models: self-check: response body: /data/0: missing member "id"']


def test_factory_starts_servers_with_options(understudy_factory, understudy):
    limited = understudy_factory("--rate-limit", "rpm=1", "--clock", "2030-01-01T00:00:00Z")
    assert limited.base_url != understudy.base_url
    first = chat(limited.openai_base_url)
    assert first[0] == 200 and first[1]["date"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    assert chat(limited.openai_base_url)[0] == 429
    router = understudy_factory("--flavor", "openrouter")
    status, _, body = chat(router.openai_base_url)
    assert status == 200 and body["id"].startswith("gen-")
    assert understudy.journal() == []  # the session's server saw none of it


def test_factory_reports_a_bad_option(understudy_factory):
    with pytest.raises(UnderstudyError, match="did not say where it listens"):
        understudy_factory("--no-such-option")


def test_binary_lookup(monkeypatch, tmp_path):
    monkeypatch.setenv("UNDERSTUDY_BIN", str(tmp_path / "missing"))
    with pytest.raises(UnderstudyError, match="UNDERSTUDY_BIN"):
        find_binary()


@pytest.mark.skipif(os.environ.get("UNDERSTUDY_EXPECT_PACKAGED_BINARY") != "1",
                    reason="only where the platform wheel is installed (scripts/test-release)")
def test_the_wheel_carries_the_binary():
    assert "UNDERSTUDY_BIN" not in os.environ
    binary = Path(find_binary())
    assert binary == Path(understudy_pytest.__file__).parent / "bin" / "understudy"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("understudy ") and "(" in version
