"""`understudy validate` as a CI job would run it: exit codes and the three report formats."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRAFFIC = ROOT / "fixtures" / "traffic"
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))


def validate(*args):
    return subprocess.run([BINARY, "validate", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_valid_traffic_exits_zero_and_says_so():
    result = validate(TRAFFIC / "valid" / "understudy.jsonl", TRAFFIC / "valid" / "understudy.har")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "7 passed, 0 failed"


def test_violations_exit_one_in_every_format(tmp_path):
    broken = sorted((TRAFFIC / "broken").glob("*.jsonl"))
    text = validate(*broken)
    assert text.returncode == 1
    assert text.stdout.splitlines()[-1] == f"0 passed, {len(broken)} failed"

    report = json.loads(validate("--format", "json", *broken).stdout)
    assert report["summary"] == {"passed": 0, "failed": len(broken)}
    assert all(e["findings"] for e in report["exchanges"])

    out = tmp_path / "report.xml"
    junit = validate("--format", "junit", "--output", out, TRAFFIC / "valid" / "understudy.jsonl", *broken)
    assert junit.returncode == 1
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite.get("tests") == str(5 + len(broken)) and suite.get("failures") == str(len(broken))
    assert len(suite.findall("testcase/failure")) == len(broken)


def test_unreadable_input_or_spec_exits_two(tmp_path):
    assert validate(tmp_path / "missing.jsonl").returncode == 2
    bad_spec = tmp_path / "bad.yaml"
    bad_spec.write_text("paths: [unclosed\n")
    result = validate("--spec", bad_spec, TRAFFIC / "valid" / "understudy.jsonl")
    assert result.returncode == 2
    assert f"{bad_spec}:1:8" in result.stderr
