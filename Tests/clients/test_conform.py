"""`understudy conform` as CI runs it: against Understudy itself every check passes; against a
deliberately broken server (Tests/conform/broken_server.py) every planted violation is caught."""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
sys.path.insert(0, str(ROOT / "Tests" / "conform"))
from broken_server import PLANTED  # noqa: E402


def conform(*args, env=None):
    return subprocess.run([BINARY, "conform", *map(str, args)], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def broken(base_url):
    server = subprocess.Popen([sys.executable, str(ROOT / "Tests" / "conform" / "broken_server.py"), base_url],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    assert line.startswith("listening on "), line
    yield line.split()[-1]
    server.terminate()
    server.wait(timeout=10)


def test_every_check_passes_against_understudy(base_url):
    result = conform("--base-url", base_url + "/v1", "--deterministic", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["summary"] == {"passed": len(PLANTED), "failed": 0, "skipped": 0}
    assert {c["check"] for c in report["checks"]} == set(PLANTED)
    assert all(c["requests"] > 0 for c in report["checks"])


def test_every_planted_violation_is_caught(broken):
    result = conform("--base-url", broken + "/v1", "--deterministic", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert set(checks) == set(PLANTED)
    for name, phrase in PLANTED.items():
        assert checks[name]["outcome"] == "failed", name
        assert any(phrase in f for f in checks[name]["findings"]), (name, checks[name]["findings"])


def test_a_failing_generated_case_is_shrunk_to_one_optional_property(broken):
    result = conform("--base-url", broken + "/v1", "--suite", "generated", "--format", "json")
    findings = {c["check"]: c["findings"] for c in json.loads(result.stdout)["checks"]}
    shrunk = [f for f in findings["generated.valid"] if "; shrunk in " in f]
    assert shrunk, findings["generated.valid"]
    for finding in shrunk:
        example = json.loads(finding.split(" to ", 1)[1])
        # The broken server fails any request with an optional property: the minimum has exactly one.
        assert len(example) == 3 and example["messages"][0]["role"] == "user", finding
    for finding in (f for f in findings["generated.invalid"] if "; shrunk in " in f):
        assert len(json.loads(finding.split(" to ", 1)[1])) <= 3, finding


def test_junit_and_text_reports(broken, base_url, tmp_path):
    out = tmp_path / "conform.xml"
    result = conform("--base-url", broken + "/v1", "--suite", "errors,tools", "--format", "junit", "--output", out)
    assert result.returncode == 1
    suite = ET.parse(out).getroot().find("testsuite")
    planted = [name for name in PLANTED if name.split(".")[0] in ("errors", "tools")]
    assert suite.get("tests") == str(len(planted)) and suite.get("failures") == str(len(planted))

    text = conform("--base-url", base_url + "/v1", "--suite", "chat")
    assert text.returncode == 0, text.stdout
    assert text.stdout.splitlines()[-1] == "2 passed, 0 failed, 1 skipped"
    assert "SKIP chat.determinism" in text.stdout


def test_exit_two_when_the_target_cannot_be_reached_or_arguments_are_wrong():
    assert conform("--base-url", "http://127.0.0.1:9/v1").returncode == 2
    assert conform("--base-url", "http://127.0.0.1:9/v1", "--suite", "nonsense").returncode == 2
    env = {k: v for k, v in os.environ.items() if k != "UNDERSTUDY_NO_SUCH_KEY"}
    missing = conform("--base-url", "http://127.0.0.1:9/v1", "--api-key-env", "UNDERSTUDY_NO_SUCH_KEY", env=env)
    assert missing.returncode == 2 and "UNDERSTUDY_NO_SUCH_KEY" in missing.stderr


def test_every_check_it_runs_passes_against_the_openrouter_flavour(base_url):
    # OpenRouter's envelope, its stream's usage chunk and its stateless Responses API (issue 20):
    # judged by OpenAI's contract, 10 of these checks failed.
    result = conform("--base-url", base_url + "/api/v1", "--flavor", "openrouter", "--deterministic", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["summary"] == {"passed": len(PLANTED) - 1, "failed": 0, "skipped": 1}
    skipped = [c for c in report["checks"] if c["outcome"] == "skipped"]
    assert [c["check"] for c in skipped] == ["responses.conversation"]
    assert "stateless" in skipped[0]["findings"][0]
    assert conform("--base-url", base_url + "/api/v1", "--deterministic", "--suite", "errors").returncode == 1
