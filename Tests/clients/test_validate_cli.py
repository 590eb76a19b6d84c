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
    assert report["summary"] == {"passed": 0, "failed": len(broken), "skipped": 0, "warnings": 0}
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


def test_truncated_empty_or_non_har_input_exits_two_never_green(tmp_path):
    """CI must never be told green on broken input: every cut of a real HAR, an empty file and a
    HAR whose entries are not objects are exit 2, with the file (and for a cut, the position)."""
    har = (TRAFFIC / "valid" / "understudy.har").read_bytes()
    cut = tmp_path / "cut.har"
    points = range(1, len(har) - 1, max(1, len(har) // 300))
    green = []
    for n in points:
        cut.write_bytes(har[:n])
        result = validate(cut)
        if result.returncode != 2:
            green.append((n, result.returncode))
        elif "not a HAR file" not in result.stderr:
            assert "at byte" in result.stderr and str(cut) in result.stderr, result.stderr
    assert not green, f"{len(green)} of {len(points)} truncation points did not exit 2: {green[:5]}"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert validate(empty).returncode == 2
    scalars = tmp_path / "scalars.har"
    scalars.write_text('{"log":{"entries":[1,2]}}')
    result = validate(scalars)
    assert result.returncode == 2 and "log.entries[0] is not an object" in result.stderr


def test_unreadable_lines_exit_two_and_lines_are_bounded(tmp_path):
    """Issue 21, item 13: a JSONL recording whose last line was cut, or one whose frame_delays_ms
    `serve --replay` refuses, is unreadable input (exit 2, as docs/contract.md says), not a violation;
    a file with no newline (/dev/zero) is refused at the line bound, not read into memory."""
    good = (TRAFFIC / "valid" / "understudy.jsonl").read_text().splitlines()
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("\n".join(good) + "\n" + good[0][: len(good[0]) // 2])
    result = validate(truncated)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{truncated}:{len(good) + 1}" in result.stdout

    delays = tmp_path / "delays.jsonl"
    exchange = json.loads(good[0])
    exchange["response"]["frame_delays_ms"] = [10, -1]
    delays.write_text(json.dumps(exchange) + "\n")
    result = validate(delays)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "frame_delays_ms" in result.stdout

    zero = subprocess.run(["/usr/bin/env", "bash", "-c", f'ulimit -v 4000000; exec "{BINARY}" validate /dev/zero'],
                          capture_output=True, text=True, timeout=120)
    assert zero.returncode == 2, zero.stdout + zero.stderr
    assert "a line longer than 64 MiB" in zero.stderr


def exchange(path, request, status, response, headers=None):
    return json.dumps({"request": {"method": "POST", "url": "https://api.example.com/v1" + path,
                                   "headers": {"content-type": "application/json"}, "body": request},
                       "response": {"status": status, "headers": {"content-type": "application/json", **(headers or {})},
                                    "body": response}})


def test_drift_is_labelled_and_warns_or_fails(tmp_path):
    usage = {"input_tokens": 3, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 1,
             "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 4}
    response = {"id": "resp_1", "object": "response", "created_at": 1751328000, "status": "completed", "error": None,
                "incomplete_details": None, "instructions": None, "model": "gpt-4o", "output": [],
                "parallel_tool_calls": True, "metadata": {}, "tool_choice": "auto", "tools": [], "temperature": 1,
                "top_p": 1, "usage": usage}
    recording = tmp_path / "old.jsonl"
    recording.write_text(exchange("/responses", {"model": "gpt-4o", "input": "hi"}, 200, response,
                                  {"date": "Tue, 01 Jul 2025 10:00:00 GMT"}) + "\n")
    warned = validate(recording)
    assert warned.returncode == 0, warned.stdout
    assert "warning: drift: response: /usage/input_tokens_details: missing required property 'cache_write_tokens'" in warned.stdout
    assert "this recording predates it: 2025-07-01" in warned.stdout
    assert warned.stdout.splitlines()[-1] == "1 passed, 0 failed, 1 warning(s)"
    report = json.loads(validate("--format", "json", recording).stdout)
    assert report["summary"] == {"passed": 1, "failed": 0, "skipped": 0, "warnings": 1}
    assert report["exchanges"][0]["warnings"][0].startswith("drift: ")
    failed = validate("--drift", "fail", recording)
    assert failed.returncode == 1 and "    drift: response:" in failed.stdout
    out = tmp_path / "drift.xml"
    validate("--format", "junit", "--output", out, recording)
    assert "warning: drift: " in ET.parse(out).getroot().find("testsuite/testcase/system-out").text


def test_unknown_operations_fail_or_are_skipped(tmp_path):
    recording = tmp_path / "mixed.jsonl"
    recording.write_text(exchange("/audio/speech", {"model": "tts-1", "input": "hi"}, 200, {}) + "\n")
    assert validate(recording).returncode == 1
    skipped = validate("--unknown-operations", "skip", recording)
    assert skipped.returncode == 0, skipped.stdout
    assert skipped.stdout.splitlines()[-1] == "0 passed, 0 failed, 1 skipped"
    assert skipped.stdout.startswith("SKIP ")
    out = tmp_path / "skip.xml"
    validate("--unknown-operations", "skip", "--format", "junit", "--output", out, recording)
    assert ET.parse(out).getroot().find("testsuite").get("skipped") == "1"


def test_openrouter_traffic_is_judged_by_openrouter_contract(tmp_path):
    request = {"model": "anthropic/claude-sonnet-4", "provider": {"order": ["anthropic"]}, "transforms": ["middle-out"],
               "usage": {"include": True}, "tools": [{"type": "openrouter:web_search"}],
               "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}]}
    recording = tmp_path / "openrouter.jsonl"
    recording.write_text(exchange("/chat/completions", request, 402,
                                  {"error": {"code": 402, "message": "Insufficient credits", "metadata": {}}}) + "\n")
    assert validate(recording).returncode == 1
    result = validate("--flavor", "openrouter", recording)
    assert result.returncode == 0, result.stdout
    assert validate("--flavor", "aiml", recording).returncode == 1
    assert validate("--flavor", "nonesuch", recording).returncode != 0
