"""Replicas on one Redis (`serve --state redis://…`) answer as one server would: the same bytes for
the same request sequence, a `previous_response_id` made on one replica continued on another, rate
limits and scenario sequences counted across all, one journal, admin changes seen by every
replica; and what happens when Redis goes away (`--state-failure closed|open`) and comes back.

Each test starts a real redis-server (Debian's) on a free loopback port and real
`understudy serve` processes; clients are the official SDK (strict parsing) and httpx, sent
round robin across the replicas by a transport that moves each request to the next one."""
import itertools
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx2 as httpx  # the HTTP library the pinned SDK is built on
import openai
import pytest
from openai import OpenAI

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
REDIS = shutil.which("redis-server")
CLOCK = "2025-07-01T00:00:00Z"

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (.ci/run installs Debian's)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                         "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.025)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"


@pytest.fixture()
def redis(tmp_path):
    server = Redis(tmp_path)
    yield server
    server.stop()


class Replica:
    def __init__(self, *args):
        self.process = subprocess.Popen([BINARY, "serve", "--port", "0", "--clock", CLOCK, *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("Understudy listening on "), line + self.process.stderr.read()
        self.url = line.split()[-1]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return self.process.stderr.read()


class RoundRobin(httpx.BaseTransport):
    """Sends each request to the next replica, as a load balancer would."""

    def __init__(self, urls):
        self.targets = itertools.cycle([httpx.URL(u) for u in urls])
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request):
        target = next(self.targets)
        request.url = request.url.copy_with(host=target.host, port=target.port)
        return self.inner.handle_request(request)


def replicas(count, *args):
    started = [Replica(*args) for _ in range(count)]
    return started


def sdk(urls):
    http = httpx.Client(transport=RoundRobin(urls))
    return OpenAI(base_url=urls[0] + "/v1", api_key="sk-replicas", max_retries=0, _strict_response_validation=True, http_client=http)


def stop_all(started):
    return [r.stop() for r in started]


# A sequence that touches every kind of state: repeats (occurrence counters), stored responses
# and a chain, stored chat completions, conversations, scenario-free errors.
SEQUENCE = [
    ("POST", "/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "Say hello"}]}),
    ("POST", "/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "Say hello"}]}),
    ("POST", "/v1/chat/completions", {"model": "gpt-4o-mini", "stream": True,
                                      "messages": [{"role": "user", "content": "Explain tides"}]}),
    ("POST", "/v1/chat/completions", {"model": "gpt-4o", "store": True, "metadata": {"run": "a"},
                                      "messages": [{"role": "user", "content": "Store me"}]}),
    ("GET", "/v1/chat/completions", None),
    ("POST", "/v1/responses", {"model": "gpt-4.1", "input": "Name three rivers."}),
    ("POST", "/v1/responses", {"model": "gpt-4.1", "input": "Name three rivers."}),
    ("POST", "/v1/conversations", {"metadata": {"topic": "rivers"}}),
    ("POST", "/v1/chat/completions", {"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]}),
    ("GET", "/v1/models", None),
]


def run_sequence(urls):
    """Every answer's status and body bytes; ids from earlier answers are followed as a client would."""
    out = []
    targets = itertools.cycle(urls)
    with httpx.Client(timeout=30) as http:
        def send(method, path, body):
            r = http.request(method, next(targets) + path, json=body, headers={"authorization": "Bearer sk-replicas"})
            out.append((method, path, r.status_code, r.content))
            return r
        last_response = None
        conversation = None
        for method, path, body in SEQUENCE:
            r = send(method, path, body)
            if path == "/v1/responses":
                last_response = r.json()["id"]
            if path == "/v1/conversations":
                conversation = r.json()["id"]
        send("POST", "/v1/responses", {"model": "gpt-4.1", "input": "And the longest?", "previous_response_id": last_response})
        chained = out[-1][3]
        send("GET", f"/v1/responses/{httpx.Response(200, content=chained).json()['id']}", None)
        send("GET", f"/v1/responses/{last_response}/input_items", None)
        send("POST", f"/v1/conversations/{conversation}/items",
             {"items": [{"type": "message", "role": "user", "content": "Hi"}]})
        send("POST", "/v1/responses", {"model": "gpt-4.1", "input": "Which river?", "conversation": conversation})
        send("GET", f"/v1/conversations/{conversation}/items", None)
    return out


def test_two_and_three_replicas_answer_byte_for_byte_as_one_server(redis):
    single = Replica("--seed", "7")
    try:
        reference = run_sequence([single.url])
    finally:
        single.stop()
    assert [status for _, _, status, _ in reference].count(200) == len(reference) - 1
    for count, prefix in ((1, "one"), (2, "two"), (3, "three")):
        started = replicas(count, "--seed", "7", "--state", redis.url, "--state-prefix", prefix)
        try:
            got = run_sequence([r.url for r in started])
        finally:
            stop_all(started)
        for expected, actual in zip(reference, got):
            assert actual == expected, f"{count} replica(s) differ at {expected[0]} {expected[1]}"


def test_a_chain_continues_across_replicas_and_the_journal_is_one(redis):
    started = replicas(3, "--state", redis.url)
    try:
        client = sdk([r.url for r in started])
        first = client.responses.create(model="gpt-4.1", input="Name a lake.")          # replica 1
        second = client.responses.create(model="gpt-4.1", input="And a sea?", previous_response_id=first.id)  # replica 2
        assert second.previous_response_id == first.id
        again = client.responses.retrieve(second.id)                                     # replica 3
        assert again.id == second.id and again.output_text == second.output_text
        items = client.responses.input_items.list(first.id)                              # replica 1
        assert items.data[0].content[0].text == "Name a lake."
        with httpx.Client() as http:
            journals = [http.get(r.url + "/__understudy/journal").json()["data"] for r in started]
        assert journals[0] == journals[1] == journals[2]
        assert [e["sequence"] for e in journals[0]] == [4, 3, 2, 1]
        assert [e["path"] for e in reversed(journals[0])] == [
            "/v1/responses", "/v1/responses", f"/v1/responses/{second.id}", f"/v1/responses/{first.id}/input_items"]
    finally:
        stop_all(started)


def test_rate_limits_and_scenario_sequences_count_across_replicas(redis):
    started = replicas(2, "--state", redis.url, "--rate-limit", "rpm=3")
    try:
        client = sdk([r.url for r in started])
        for _ in range(3):
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "count me"}])
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "count me"}])
        assert limited.value.response.headers["x-ratelimit-remaining-requests"] == "0"
    finally:
        stop_all(started)
    started = replicas(3, "--state", redis.url, "--state-prefix", "scenarios")
    try:
        rule = "scenarios:\n  - name: flaky\n    match: {model: gpt-4o-mini}\n    sequence:\n      - {error: rate-limit, times: 2}\n      - pass\n"
        with httpx.Client() as http:
            assert http.post(started[0].url + "/__understudy/scenarios", content=rule).status_code == 200
            # The rule is listed by every replica at once: the admin change reached them all.
            for r in started:
                assert [s["name"] for s in http.get(r.url + "/__understudy/scenarios").json()["scenarios"]] == ["flaky"]
        client = sdk([r.url for r in started])
        statuses = []
        for _ in range(4):
            try:
                client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
                statuses.append(200)
            except openai.RateLimitError:
                statuses.append(429)
        assert statuses == [429, 429, 200, 200]
    finally:
        stop_all(started)


def test_a_clock_set_on_one_replica_is_every_replicas_clock(redis):
    started = replicas(2, "--state", redis.url)
    try:
        with httpx.Client() as http:
            assert http.post(started[0].url + "/__understudy/clock", json={"clock": "2026-01-02T03:04:05Z"}).status_code == 200
            r = http.post(started[1].url + "/v1/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})
            assert r.json()["created"] == 1767323045
            assert http.post(started[1].url + "/__understudy/reset").status_code == 200
            r = http.post(started[0].url + "/v1/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})
            assert r.json()["created"] == 1751328000
    finally:
        stop_all(started)


def chat(url):
    with httpx.Client(timeout=10) as http:
        return http.post(url + "/v1/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "ping"}]})


def test_redis_lost_and_back_fail_closed(redis):
    started = replicas(1, "--state", redis.url)
    try:
        url = started[0].url
        assert chat(url).status_code == 200
        redis.stop()
        down = chat(url)
        assert down.status_code == 503
        error = down.json()["error"]
        assert error["code"] == "state_unavailable" and f"Redis at {redis.url}" in error["message"]
        # The server itself keeps answering what needs no state.
        with httpx.Client() as http:
            assert http.get(url + "/v1/models").status_code == 200
        redis.start()
        for _ in range(40):
            if chat(url).status_code == 200:
                break
            time.sleep(0.1)
        assert chat(url).status_code == 200
    finally:
        stop_all(started)


def test_redis_lost_and_back_fail_open(redis):
    started = replicas(1, "--state", redis.url, "--state-failure", "open")
    try:
        url = started[0].url
        assert chat(url).status_code == 200
        redis.stop()
        for _ in range(5):
            assert chat(url).status_code == 200
        redis.start()
        time.sleep(0.5)
        assert chat(url).status_code == 200
    finally:
        log = stop_all(started)[0]
    assert log.count("shared state unavailable") == 1, log
    assert log.count("shared state is back") == 1, log


def test_redis_unreachable_at_start_exits_2():
    port = free_port()
    run = subprocess.run([BINARY, "serve", "--port", "0", "--state", f"redis://127.0.0.1:{port}"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 2
    assert f"redis://127.0.0.1:{port}" in run.stderr and "cannot reach Redis" in run.stderr
    bad = subprocess.run([BINARY, "serve", "--port", "0", "--state", "rediss://x"], capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "--state" in bad.stderr
