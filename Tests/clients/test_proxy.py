"""`understudy proxy --record` then `understudy serve --replay`, with the official SDK as the client:
live traffic through the proxy to a real upstream (the test server), recorded without the key,
valid by `understudy validate`, and served again offline with the same answers."""
import os
import signal
import subprocess
from pathlib import Path

import openai
import pytest
from openai import OpenAI

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
KEY = "sk-proxy-sdk-secret-9f8e7d6c5b4a"


STARTED = []


@pytest.fixture(autouse=True)
def no_process_outlives_its_test():
    """A test that fails before it stops its proxy must not leave it running."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def start(*args, ready):
    process = subprocess.Popen([BINARY, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    STARTED.append(process)
    line = process.stdout.readline()
    assert line.startswith(ready), line + process.stderr.read()
    return process, line.split()[-1]


def stop(process):
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    return process.stderr.read()


def conversation(client):
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Explain how tides work"}])
    stream = client.chat.completions.create(model="gpt-4o", stream=True, stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": "Write a haiku about harbours"}])
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    response = client.responses.create(model="gpt-4o", input="Name three rivers.")
    return reply.choices[0].message.content, streamed, chunks[-1].usage.total_tokens, response.output_text


def test_proxy_records_and_replay_serves_the_same_answers(base_url, tmp_path):
    proxy, proxy_url = start("proxy", "--upstream", base_url, "--port", "0", "--record", tmp_path,
                             ready="Understudy proxy listening on ")
    client = OpenAI(base_url=proxy_url + "/v1", api_key=KEY, max_retries=0, _strict_response_validation=True)
    live = conversation(client)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert raw.headers["x-understudy-violations"] == "0"
    log = stop(proxy)
    assert KEY not in log and "contract violation" not in log

    [recording] = list(tmp_path.glob("*.jsonl"))
    text = recording.read_text()
    assert KEY not in text and len(text.splitlines()) == 5
    assert oct(recording.stat().st_mode & 0o777) == "0o600"
    validated = subprocess.run([BINARY, "validate", recording], capture_output=True, text=True)
    assert validated.returncode == 0 and validated.stdout.splitlines()[-1] == "5 passed, 0 failed", validated.stdout

    replay, replay_url = start("serve", "--replay", tmp_path, "--replay-miss", "404", "--port", "0",
                               ready="Understudy listening on ")
    offline = OpenAI(base_url=replay_url + "/v1", api_key="anything", max_retries=0, _strict_response_validation=True)
    assert conversation(offline) == live
    with pytest.raises(openai.NotFoundError):
        offline.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "never recorded"}])
    stop(replay)


def test_proxy_refuses_a_non_http_upstream():
    result = subprocess.run([BINARY, "proxy", "--upstream", "ftp://example.com"], capture_output=True, text=True)
    assert result.returncode == 2 and "--upstream" in result.stderr


def test_violations_reach_the_log_and_the_journal_endpoint(base_url):
    import json
    import urllib.error
    import urllib.request

    proxy, proxy_url = start("proxy", "--upstream", base_url, "--port", "0", ready="Understudy proxy listening on ")
    request = urllib.request.Request(proxy_url + "/v1/chat/completions", data=b'{"model": "gpt-4o"}', method="POST",
                                     headers={"content-type": "application/json", "authorization": f"Bearer {KEY}"})
    with pytest.raises(urllib.error.HTTPError) as refused:  # warn: forwarded, and the upstream refuses it
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    assert refused.value.headers["x-understudy-violations"].startswith("1; request: missing required property 'messages'")
    with urllib.request.urlopen(proxy_url + "/__understudy/journal", timeout=10) as response:
        journal = json.load(response)["data"]
    assert [(e["path"], e["status"], e["stream"]) for e in journal] == [("/v1/chat/completions", 400, False)]
    assert journal[0]["violations"] == ["request: missing required property 'messages'"]
    log = stop(proxy)
    assert "contract violation" in log and "missing required property 'messages'" in log and KEY not in log


def test_openrouter_flavour_holds_the_upstream_to_openrouter_contract(base_url):
    # The mock's OpenRouter flavour (/api/v1) through the proxy: OpenRouter's request members and
    # error envelope are violations under OpenAI's contract, none under --flavor openrouter.
    body = {"model": "openai/gpt-4o", "extra_body": {"provider": {"sort": "price"}, "transforms": ["middle-out"]},
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}]}
    counts = {}
    for flavor in ("openai", "openrouter"):
        proxy, proxy_url = start("proxy", "--upstream", base_url, "--port", "0", "--flavor", flavor,
                                 ready="Understudy proxy listening on ")
        client = OpenAI(base_url=proxy_url + "/api/v1", api_key="sk-or-test", max_retries=0, _strict_response_validation=True)
        ok = client.chat.completions.with_raw_response.create(**body)
        with pytest.raises(openai.NotFoundError) as missing:
            client.chat.completions.create(model="nobody/no-such-model", messages=[{"role": "user", "content": "hi"}])
        counts[flavor] = (ok.headers["x-understudy-violations"], missing.value.response.headers["x-understudy-violations"])
        stop(proxy)
    assert counts["openrouter"] == ("0", "0"), counts
    assert counts["openai"][0] != "0" and counts["openai"][1] != "0", counts
