"""`understudy serve --timing`: realistic pacing changes when bytes leave, never which, and the
official SDK parses every stream strictly; bad timing files are refused at start with file:line.
Nothing here asserts how long anything took."""
import os
import subprocess
from pathlib import Path

from openai import OpenAI

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))


def serve(*args):
    process = subprocess.Popen([BINARY, "serve", "--port", "0", "--clock", "2025-07-01T00:00:00Z", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("Understudy listening on "), line + process.stderr.read()
    return process, OpenAI(base_url=line.split()[-1] + "/v1", api_key="sk-timing", max_retries=0,
                           _strict_response_validation=True)


def answers(client):
    stream = client.chat.completions.create(model="gpt-4o", stream=True, stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": "Explain how tides work"}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    events = list(client.responses.create(model="gpt-4.1-nano", input="Name three rivers.", stream=True))
    reply = client.chat.completions.create(model="o4-mini", messages=[{"role": "user", "content": "Plan a picnic"}])
    return text, chunks[-1].usage.total_tokens, [e.type for e in events], reply.choices[0].message.content


def test_timed_and_untimed_servers_say_the_same(tmp_path):
    timing = tmp_path / "fast.yaml"
    # The catalog's own profiles, sped up so the test is quick: bursts, jitter and capacity stay.
    timing.write_text("every_model: {first_token_ms: 30, tokens_per_second: 2000, burst: 3, capacity: 2}\n")
    results = []
    for args in (["--timing", str(timing)], []):
        process, client = serve(*args)
        try:
            results.append(answers(client))
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert results[0] == results[1]
    assert results[0][2][-1] == "response.completed"


def test_bad_timing_files_are_refused_with_their_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  gpt-4o:\n    tokens_per_second: -3\n")
    run = subprocess.run([BINARY, "serve", "--port", "0", "--timing", str(bad)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 2
    assert f"{bad}:3:" in run.stderr and "tokens_per_second" in run.stderr
    missing = subprocess.run([BINARY, "serve", "--port", "0", "--timing", str(tmp_path / "none.yaml")],
                             capture_output=True, text=True, timeout=30)
    assert missing.returncode == 2 and "none.yaml" in missing.stderr
